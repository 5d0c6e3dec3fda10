import { Admin, ITopicConfig } from 'kafkajs';
import { TopicSpec } from '@claims-mesh/contracts';

/**
 * Creates the topics that do not exist yet and leaves existing ones alone, so it is safe
 * to run on every start. Returns the names it created.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return [];
  const configs: ITopicConfig[] = missing.map((t) => ({
    topic: t.name,
    numPartitions: t.partitions,
    replicationFactor: t.replicationFactor,
    configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
  }));
  const names = missing.map((t) => t.name);
  try {
    await admin.createTopics({ topics: configs, waitForLeaders: true });
  } catch (error) {
    // In a cluster of several brokers, the broker kafkajs asks for the new leaders may not have
    // the new topics' metadata yet and answers UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does
    // not retry. The controller did create them, so wait for their leaders here instead.
    if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
    await waitForLeaders(admin, names);
  }
  return names;
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
    const led = metadata?.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
    if (led) return;
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
