import type { Message } from '@confluentinc/kafka-javascript';
import { createKafka, Kafka } from '@claims-mesh/kafka';
import { TopicFollower } from '../bench/shared/topic-follower';

/**
 * A client of @confluentinc/kafka-javascript on the chaos stack's brokers. librdkafka keeps
 * reconnecting through a broker restart by itself; nothing here needs kafkajs's retry settings.
 */
export function chaosKafka(brokers: string, clientId: string): Kafka {
  return createKafka({ clientId, brokers, connectionTimeoutMs: 3000 });
}

/**
 * Reads topics from the beginning as a consumer application would (read_committed: records of
 * aborted transactions are never seen) until nothing new arrives for `idleMs`. Run it once the
 * mesh has settled: it is the consumer-visible content of the topics.
 */
export async function scanTopics(
  brokers: string,
  topics: string[],
  onMessage: (message: Message) => void,
  idleMs = 5000,
): Promise<number> {
  const admin = chaosKafka(brokers, 'chaos-scan').admin();
  await admin.connect();
  try {
    const follower = await TopicFollower.start(admin, { clientId: 'chaos-scan', brokers }, topics, 'beginning', (messages) => {
      for (const message of messages) onMessage(message);
    });
    while (Date.now() - follower.lastAt < idleMs) await new Promise((resolve) => setTimeout(resolve, 250));
    await follower.stop();
    return follower.count;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Follows a topic while the run goes on and counts the distinct keys (claim ids) seen, to pace
 * the sender and time the faults. Its partitions are assigned, not subscribed, so there is no
 * group coordinator to lose when a broker is killed: librdkafka reconnects to the partitions'
 * leaders, wherever they are, and reading goes on from where it was.
 */
export class KeyCounter {
  private readonly keys = new Set<string>();
  private follower: TopicFollower | undefined;

  constructor(
    private readonly brokers: string,
    private readonly topic: string,
  ) {}

  get count(): number {
    return this.keys.size;
  }

  async start(): Promise<void> {
    const admin = chaosKafka(this.brokers, 'chaos-watch').admin();
    await admin.connect();
    try {
      this.follower = await TopicFollower.start(
        admin,
        { clientId: 'chaos-watch', brokers: this.brokers },
        [this.topic],
        'beginning',
        (messages) => {
          for (const message of messages) if (message.key) this.keys.add(message.key.toString());
        },
      );
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.follower?.stop().catch(() => undefined);
  }
}
