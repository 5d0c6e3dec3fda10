// Creates every topic of libs/contracts/topics.json (and its .dlq twin) on the configured broker,
// with the retention and cleanup policy it declares, and brings existing topics to those configs
// with Kafka's own ConfigCommand, from the jars at KAFKA_TOOLS_CLASSPATH (the Makefile gives the
// local stack's); without it, existing topics are left as they are, and the output says so.
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
  const existing = topics.filter((t) => !created.includes(t.name));
  const classpath = process.env.KAFKA_TOOLS_CLASSPATH;
  const changed = classpath ? await alignTopicConfigs(connection, existing, { classpath }) : [];
  console.log(`[topics] ${topics.length} topics declared, ${created.length} created${created.length ? ': ' + created.join(', ') : ''}`);
  if (!classpath && existing.length > 0) console.log(`[topics] configs of the ${existing.length} existing topics not checked: set KAFKA_TOOLS_CLASSPATH to Kafka's jars`);
  for (const { topic, changes } of changed) {
    console.log(`[topics] ${topic}: ${changes.map((c) => `${c.name} ${c.from ?? '(broker default)'} -> ${c.to}`).join(', ')}`);
  }
}

main().catch((error: Error) => {
  console.error(`[topics] failed: ${error.message}`);
  process.exit(1);
});
