import { randomUUID } from 'node:crypto';
import { AvroSerde, valueSchema } from '@claims-mesh/contracts';
import { Admin, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { stack } from './stack-endpoints';
import { waitFor } from './wait-for';

export function testKafka(clientId = 'it'): Kafka {
  return new Kafka({ clientId, brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
}

/**
 * Throw-away topics (and their .dlq twins) for one test, all typed as ClaimSubmitted, so
 * tests never touch the mesh's own topics.
 */
export class ScratchTopics {
  readonly prefix = `it.${randomUUID().slice(0, 8)}`;
  private readonly created: string[] = [];

  constructor(
    private readonly admin: Admin,
    readonly schemaName = 'ClaimSubmitted',
  ) {}

  name(suffix: string): string {
    return `${this.prefix}.${suffix}`;
  }

  async create(suffix: string, partitions = 3): Promise<string> {
    const topic = this.name(suffix);
    await this.admin.createTopics({
      topics: [topic, `${topic}.dlq`].map((t) => ({ topic: t, numPartitions: partitions })),
      waitForLeaders: true,
    });
    this.created.push(topic, `${topic}.dlq`);
    return topic;
  }

  /** A serde that maps every scratch topic to this test's schema. */
  serde(): AvroSerde {
    const schema = valueSchema(this.schemaName);
    return AvroSerde.forRegistry(stack.registryUrl, () => schema);
  }

  async deleteAll(): Promise<void> {
    await this.admin.deleteTopics({ topics: this.created }).catch(() => undefined);
  }
}

/**
 * Commits the current end of every partition of the topics for the group, so its next
 * member starts there. One member joins once for all topics: kafkajs' admin.setOffsets and
 * resetOffsets join the group once per topic, seconds each.
 */
export async function startGroupAtEnd(groupId: string, topics: string[]): Promise<void> {
  const kafka = testKafka('it-group-offsets');
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId });
  await Promise.all([admin.connect(), consumer.connect()]);
  try {
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;
    const ends = await Promise.all(
      topics.map(async (topic) =>
        (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ topic, partition, offset: high })),
      ),
    );
    await consumer.commitOffsets(ends.flat());
  } finally {
    await Promise.all([consumer.disconnect(), admin.disconnect()]);
  }
}

/**
 * Reads a topic (read_committed) into memory until stopped: from the beginning for a test's
 * own scratch topics, or from the current end (`fromEnd`) for the mesh's shared topics,
 * where earlier runs and benchmarks may have left millions of records.
 */
export class TopicReader {
  readonly messages: KafkaMessage[] = [];
  private readonly groupId = `it-reader-${randomUUID()}`;
  private readonly consumer;

  private constructor(kafka: Kafka) {
    this.consumer = kafka.consumer({ groupId: this.groupId, readUncommitted: false });
  }

  static async start(kafka: Kafka, topic: string): Promise<TopicReader> {
    return TopicReader.startAt(kafka, topic, 'beginning');
  }

  /** What is written to the topic from now on. */
  static async fromEnd(kafka: Kafka, topic: string): Promise<TopicReader> {
    return TopicReader.startAt(kafka, topic, 'end');
  }

  private static async startAt(kafka: Kafka, topic: string, from: 'beginning' | 'end'): Promise<TopicReader> {
    const reader = new TopicReader(kafka);
    if (from === 'end') await startGroupAtEnd(reader.groupId, [topic]);
    await reader.consumer.connect();
    await reader.consumer.subscribe({ topic, fromBeginning: from === 'beginning' });
    await reader.consumer.run({ eachMessage: async ({ message }) => void reader.messages.push(message) });
    return reader;
  }

  async waitForCount(count: number, timeoutMs = 30000): Promise<KafkaMessage[]> {
    return waitFor(
      `${count} records (have ${this.messages.length})`,
      async () => (this.messages.length >= count ? this.messages : undefined),
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
