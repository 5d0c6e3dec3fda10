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
  await admin.createTopics({ topics: configs, waitForLeaders: true });
  return missing.map((t) => t.name);
}
