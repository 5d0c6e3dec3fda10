import type { LibrdKafkaError, Metadata } from '@confluentinc/kafka-javascript';
import { KafkaConnectionOptions, librdkafkaConfig } from './connection';
import { connectProducer, disconnect, NativeProducer } from './transport/native-clients';

/**
 * Answers "can this service talk to the cluster right now?" for readiness checks with one
 * metadata request on a client of its own (a producer that never produces: the lightest
 * librdkafka handle). librdkafka re-dials a lost broker by itself; a client that failed to
 * connect is dropped and dialled again on the next probe. Every probe is bounded by a timeout,
 * so a dead broker makes /health/ready answer 503 quickly instead of hanging.
 */
export class KafkaHealthProbe {
  private client: Promise<NativeProducer> | undefined;

  constructor(
    private readonly connection: KafkaConnectionOptions,
    private readonly timeoutMs = 2000,
  ) {}

  /** Resolves with the number of brokers in the cluster, rejects when it is unreachable. */
  async brokerCount(): Promise<number> {
    try {
      const client = await this.connected();
      const metadata = await new Promise<Metadata>((resolve, reject) =>
        client.getMetadata({ allTopics: false, timeout: this.timeoutMs }, (error: LibrdKafkaError, data: Metadata) =>
          error ? reject(new Error(`kafka metadata: ${error.message}`)) : resolve(data),
        ),
      );
      return metadata.brokers.length;
    } catch (error) {
      if (!(await this.client?.then(() => true).catch(() => false))) this.client = undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const connected = await client?.catch(() => undefined);
    if (connected) await disconnect(connected).catch(() => undefined);
  }

  private connected(): Promise<NativeProducer> {
    this.client ??= connectProducer(
      { ...librdkafkaConfig({ ...this.connection, clientId: `${this.connection.clientId}-probe` }) },
      this.timeoutMs,
    );
    return this.client;
  }
}
