import type { KafkaAdmin } from '../connection';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { TopicSpec } from '@claims-mesh/contracts';

/**
 * Creates the topics that do not exist yet and leaves existing ones alone, so it is safe
 * to run on every start. Returns the names it created, once every partition has a leader.
 */
/** What creating a topic needs of its spec. */
export type TopicToCreate = Pick<TopicSpec, 'name' | 'partitions' | 'replicationFactor' | 'configs'>;

export async function ensureTopics(admin: KafkaAdmin, topics: TopicToCreate[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return [];
  const configs: KafkaJS.ITopicConfig[] = missing.map((t) => ({
    topic: t.name,
    numPartitions: t.partitions,
    replicationFactor: t.replicationFactor,
    configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
  }));
  const names = missing.map((t) => t.name);
  try {
    await admin.createTopics({ topics: configs });
  } catch (error) {
    // Another process (a second service starting, a test) created one of them first.
    if ((error as KafkaJS.KafkaJSError).code !== TOPIC_ALREADY_EXISTS) throw error;
  }
  // The controller answers once the topics exist; their partitions get leaders a moment later.
  await waitForLeaders(admin, names);
  return names;
}

const TOPIC_ALREADY_EXISTS = 36;

async function waitForLeaders(admin: KafkaAdmin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
    const led = metadata?.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
    if (led) return;
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
