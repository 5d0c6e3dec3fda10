// Creates every topic of libs/contracts/topics.json (and its .dlq twin) on the configured broker,
// with the retention and cleanup policy it declares, and brings existing topics to those configs.
import { createKafka, type KafkaConnectionOptions } from '../connection';
import { meshTopics } from '@claims-mesh/contracts';
import { ensureTopics } from './create-topics';
import { alignTopicConfigs } from './topic-configs';

async function main(): Promise<void> {
  const connection: KafkaConnectionOptions = { clientId: 'mesh-admin', brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' };
  const admin = createKafka(connection).admin();
  await admin.connect();
  const topics = meshTopics();
  let created: string[];
  try {
    created = await ensureTopics(admin, topics);
  } finally {
    await admin.disconnect();
  }
  // Those just created have their configs already; the others may predate a change of topics.json.
  const changed = await alignTopicConfigs(connection, topics.filter((t) => !created.includes(t.name)));
  console.log(`[topics] ${topics.length} topics declared, ${created.length} created${created.length ? ': ' + created.join(', ') : ''}`);
  for (const { topic, changes } of changed) {
    console.log(`[topics] ${topic}: ${changes.map((c) => `${c.name} ${c.from ?? '(broker default)'} -> ${c.to}`).join(', ')}`);
  }
}

main().catch((error: Error) => {
  console.error(`[topics] failed: ${error.message}`);
  process.exit(1);
});
