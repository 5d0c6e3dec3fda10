// Creates every topic of libs/kafka/topics.json (and its .dlq twin) on the configured broker.
import { createKafka } from '../connection';
import { meshTopics } from '@claims-mesh/contracts';
import { ensureTopics } from './create-topics';

async function main(): Promise<void> {
  const admin = createKafka({
    clientId: 'mesh-admin',
    brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  }).admin();
  await admin.connect();
  try {
    const topics = meshTopics();
    const created = await ensureTopics(admin, topics);
    console.log(`[topics] ${topics.length} topics declared, ${created.length} created${created.length ? ': ' + created.join(', ') : ''}`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: Error) => {
  console.error(`[topics] failed: ${error.message}`);
  process.exit(1);
});
