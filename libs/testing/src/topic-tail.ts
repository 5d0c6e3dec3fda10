import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaConsumer, KafkaMessage } from '@claims-mesh/kafka';
import { testConsumer } from './kafka-helpers';
import { startGroupAtEnd } from './mesh';

export interface TailedRecord {
  topic: string;
  message: KafkaMessage;
}

/**
 * Reads topics from their current end (read_committed) into memory until stopped: what a
 * test produced, without reading everything earlier runs left in shared topics.
 */
export class TopicTail {
  readonly records: TailedRecord[] = [];

  private constructor(private readonly consumer: KafkaConsumer) {}

  static async start(kafka: Kafka, topics: string[]): Promise<TopicTail> {
    const groupId = `it-tail-${randomUUID()}`;
    await startGroupAtEnd(groupId, topics);
    const tail = new TopicTail(testConsumer(kafka, groupId, false));
    await tail.consumer.connect();
    await tail.consumer.subscribe({ topics });
    await tail.consumer.run({ eachMessage: async ({ topic, message }) => void tail.records.push({ topic, message }) });
    return tail;
  }

  /** Records of `topic` by key. */
  byKey(topic: string): Map<string, KafkaMessage[]> {
    const out = new Map<string, KafkaMessage[]>();
    for (const { topic: t, message } of this.records) {
      if (t !== topic) continue;
      const key = message.key?.toString() ?? '';
      out.set(key, [...(out.get(key) ?? []), message]);
    }
    return out;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
