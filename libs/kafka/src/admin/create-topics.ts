import type { KafkaAdmin } from '../connection';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { TopicSpec } from '@claims-mesh/contracts';

/** What creating a topic needs of its spec. */
export type TopicToCreate = Pick<TopicSpec, 'name' | 'partitions' | 'replicationFactor' | 'configs'>;

/**
 * Creates the topics that do not exist yet and leaves existing ones alone, so it is safe
 * to run on every start. Returns the names it created, once every partition has a leader.
 */
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
  await createWithRetries(admin, configs);
  // The controller answers once the topics exist; their partitions get leaders a moment later.
  await waitForLeaders(admin, names);
  return names;
}

/** One topic's failure in the client's aggregate error (a topic that exists already is not one: the client skips it). */
interface TopicCreationError {
  topic: string;
  code: number;
  retriable?: boolean;
  message: string;
}

/**
 * Codes a cluster that is still starting answers with: fewer brokers registered than the
 * replication factor, or the controller not answering in time.
 */
const STARTING_CLUSTER = new Set([38 /* INVALID_REPLICATION_FACTOR */, 7 /* REQUEST_TIMED_OUT */, -185 /* local TIMED_OUT */, 41 /* NOT_CONTROLLER */]);

async function createWithRetries(admin: KafkaAdmin, configs: KafkaJS.ITopicConfig[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = configs;
  for (;;) {
    try {
      await admin.createTopics({ topics: pending, timeout: 15_000 });
      return;
    } catch (error) {
      const failures = ((error as { errors?: TopicCreationError[] }).errors ?? []) as TopicCreationError[];
      const retry = failures.length > 0 && failures.every((f) => f.retriable || STARTING_CLUSTER.has(f.code));
      if (!retry || Date.now() > deadline) {
        const reasons = failures.map((f) => `${f.topic}: ${f.message}`).join('; ');
        throw new Error(`topic creation failed${reasons ? `: ${reasons}` : `: ${(error as Error).message}`}`);
      }
      pending = pending.filter((t) => failures.some((f) => f.topic === t.topic));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

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
