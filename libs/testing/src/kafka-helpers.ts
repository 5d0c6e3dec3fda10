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

/** Reads a topic from the beginning (read_committed) into memory until stopped. */
export class TopicReader {
  readonly messages: KafkaMessage[] = [];
  private readonly consumer;

  private constructor(kafka: Kafka) {
    this.consumer = kafka.consumer({ groupId: `it-reader-${randomUUID()}`, readUncommitted: false });
  }

  static async start(kafka: Kafka, topic: string): Promise<TopicReader> {
    const reader = new TopicReader(kafka);
    await reader.consumer.connect();
    await reader.consumer.subscribe({ topic, fromBeginning: true });
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
