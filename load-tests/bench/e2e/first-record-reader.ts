import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';

/**
 * Reads a pipeline's last topic (read_committed, from its current end) and keeps, per key
 * (the claim id), the CreateTime of the first record: when the claim's first decision was
 * written. A claim sent to review is decided again later; the first decision is what counts.
 * Values are not decoded: the key and the timestamp are all the benchmark needs.
 */
export class FirstRecordReader {
  readonly firstAt = new Map<string, number>();
  readonly groupId = `bench.e2e.reader.${randomUUID().slice(0, 8)}`;
  private readonly consumer: Consumer;

  /** `onFirst` sees each key's first record too (e.g. to decode a sample of them). */
  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly onFirst?: (key: string, message: KafkaMessage) => void,
  ) {
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      maxBytes: 50 * 1024 * 1024,
    });
  }

  async start(admin: Admin): Promise<void> {
    const ends = await topicEnds(admin, this.topic);
    await admin.setOffsets({
      groupId: this.groupId,
      topic: this.topic,
      partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
    });
    const joined = new Promise<void>((resolve) =>
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic] });
    await this.consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const key = message.key?.toString();
          if (!key || this.firstAt.has(key)) continue;
          this.firstAt.set(key, Number(message.timestamp));
          this.onFirst?.(key, message);
        }
      },
    });
    await joined;
  }

  /** Resolves when every key has its record, or at the deadline; how many are still missing. */
  async waitFor(keys: Iterable<string>, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let missing = [...keys];
    for (;;) {
      missing = missing.filter((key) => !this.firstAt.has(key));
      if (missing.length === 0 || Date.now() >= deadline) return missing.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(admin: Admin): Promise<void> {
    await this.consumer.disconnect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
  }
}

/** The topic's end offsets; a topic created a moment ago may not have its leaders known to the client yet. */
async function topicEnds(admin: Admin, topic: string): ReturnType<Admin['fetchTopicOffsets']> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
