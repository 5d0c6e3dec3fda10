import { randomUUID } from 'node:crypto';
import { AvroSerde, valueSchema } from '@claims-mesh/contracts';
import { createKafka, ensureTopics, Kafka, KafkaAdmin, KafkaConsumer, KafkaMessage, KafkaProducer, PRODUCER_DEFAULTS } from '@claims-mesh/kafka';
import { stack } from './stack-endpoints';
import { waitFor } from './wait-for';

/** The KafkaJS-style client of @confluentinc/kafka-javascript on the test stack's brokers. */
export function testKafka(clientId = 'it'): Kafka {
  return createKafka({ clientId, brokers: stack.kafkaBrokers });
}

/** A producer that partitions, acknowledges and retries as the mesh's own producers do. */
export function testProducer(kafka: Kafka): KafkaProducer {
  return kafka.producer({ ...PRODUCER_DEFAULTS });
}

/** A consumer of a new group that reads committed records only, from the beginning unless told otherwise. */
export function testConsumer(kafka: Kafka, groupId: string, fromBeginning = true): KafkaConsumer {
  return kafka.consumer({ kafkaJS: { groupId, fromBeginning }, 'isolation.level': 'read_committed' });
}

/**
 * Throw-away topics (and their .dlq twins) for one test, all typed as ClaimSubmitted, so
 * tests never touch the mesh's own topics.
 */
export class ScratchTopics {
  readonly prefix = `it.${randomUUID().slice(0, 8)}`;
  private readonly created: string[] = [];

  constructor(
    private readonly admin: KafkaAdmin,
    readonly schemaName = 'ClaimSubmitted',
  ) {}

  name(suffix: string): string {
    return `${this.prefix}.${suffix}`;
  }

  async create(suffix: string, partitions = 3): Promise<string> {
    const topic = this.name(suffix);
    const names = [topic, `${topic}.dlq`];
    await ensureTopics(
      this.admin,
      names.map((name) => ({ name, partitions, replicationFactor: 1, configs: {} })),
    );
    this.created.push(...names);
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

  private constructor(private readonly consumer: KafkaConsumer) {}

  static async start(kafka: Kafka, topic: string): Promise<TopicReader> {
    const reader = new TopicReader(testConsumer(kafka, `it-reader-${randomUUID()}`));
    await reader.consumer.connect();
    await reader.consumer.subscribe({ topics: [topic] });
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
