import { randomUUID } from 'node:crypto';
import type { Message } from '@confluentinc/kafka-javascript';
import {
  connectConsumer,
  consume,
  disconnect,
  KafkaAdmin,
  KafkaConnectionOptions,
  librdkafkaConfig,
  NativeConsumer,
} from '@claims-mesh/kafka';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Most records one consume() hands out. */
const CONSUME_MAX = 2000;
/** How long an idle consume() waits before the loop looks at its stop flag again. */
const IDLE_CONSUME_MS = 100;

/**
 * Reads topics (read_committed) on the native API of @confluentinc/kafka-javascript and hands
 * every record to `onMessages`, until stopped: the benches' output readers, the chaos checks'
 * scans. The partitions are assigned, not subscribed: no group join to wait for, no group
 * left behind, nothing committed. `from` is each partition's current end (only what is
 * written from now on) or its beginning. librdkafka reconnects on its own after a broker
 * restart, so a follower keeps reading through one.
 */
export class TopicFollower {
  private stopped = false;
  private readonly loop: Promise<void>;
  /** Records handed out so far. */
  count = 0;
  /** When the last record was handed out (ms); the start time until then. */
  lastAt = Date.now();

  private constructor(
    private readonly consumer: NativeConsumer,
    private readonly onMessages: (messages: Message[]) => void,
  ) {
    this.loop = this.run();
  }

  static async start(
    admin: KafkaAdmin,
    connection: KafkaConnectionOptions,
    topics: string[],
    from: 'end' | 'beginning',
    onMessages: (messages: Message[]) => void,
  ): Promise<TopicFollower> {
    const assignment = (
      await Promise.all(
        topics.map(async (topic) =>
          (await topicEnds(admin, topic)).map(({ partition, high, low }) => ({
            topic,
            partition,
            offset: Number(from === 'end' ? high : low),
          })),
        ),
      )
    ).flat();
    const consumer = await connectConsumer(
      {
        ...librdkafkaConfig(connection),
        'group.id': `bench-follower-${randomUUID()}`,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': 'read_committed',
        'fetch.wait.max.ms': 100,
      },
      { 'auto.offset.reset': from === 'end' ? 'latest' : 'earliest' },
    );
    consumer.setDefaultConsumeTimeout(IDLE_CONSUME_MS);
    consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
    consumer.assign(assignment);
    return new TopicFollower(consumer, onMessages);
  }

  private async run(): Promise<void> {
    let lastError = '';
    while (!this.stopped) {
      try {
        const messages = await consume(this.consumer, CONSUME_MAX);
        if (messages.length === 0) continue;
        this.count += messages.length;
        this.lastAt = Date.now();
        this.onMessages(messages);
      } catch (error) {
        // Transient (a broker restarting): librdkafka reconnects; one line per kind of failure.
        const message = (error as Error).message;
        if (message !== lastError) console.warn(`[follower] consume failed, retrying: ${message}`);
        lastError = message;
        await sleep(200);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await disconnect(this.consumer).catch(() => undefined);
  }
}

/** A topic's partitions with their ends; a topic created a moment ago may not have its leaders known yet. */
export async function topicEnds(admin: KafkaAdmin, topic: string): ReturnType<KafkaAdmin['fetchTopicOffsets']> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(500);
    }
  }
}

/** The key of a native record as a string ('' when it has none). */
export function keyOf(message: Message): string {
  return message.key?.toString() ?? '';
}
