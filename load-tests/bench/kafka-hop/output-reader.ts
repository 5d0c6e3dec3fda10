import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka } from 'kafkajs';

export interface HopSample {
  /** The input record's CreateTime, epoch millis. */
  sentAt: number;
  /** Reader's clock when the output arrived minus the input record's CreateTime. */
  seenMs: number;
  /** Output record's CreateTime (stamped by the relay's producer) minus the input's. */
  stampedMs: number;
}

/**
 * Reads a relay's output topic (read_committed, so transactional outputs count only once
 * committed) and turns every record whose key was sent by the rate producer into a sample.
 */
export class OutputReader {
  readonly samples: HopSample[] = [];
  readonly groupId = `bench.reader.${randomUUID().slice(0, 8)}`;
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly sentAt: Map<string, number>,
  ) {
    this.consumer = kafka.consumer({ groupId: this.groupId, readUncommitted: false });
  }

  /**
   * Starts at the current end of the topic: the group's offsets are set to the high
   * watermarks first, so the backlog drained earlier is neither read nor raced with.
   */
  async start(admin: Admin): Promise<void> {
    const ends = await admin.fetchTopicOffsets(this.topic);
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
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) {
          const sent = this.sentAt.get(message.key?.toString() ?? '');
          if (sent !== undefined)
            this.samples.push({
              sentAt: sent,
              seenMs: now - sent,
              stampedMs: Number(message.timestamp) - sent,
            });
        }
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
