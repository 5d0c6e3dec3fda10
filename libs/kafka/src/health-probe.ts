import type { LibrdKafkaError, Metadata } from '@confluentinc/kafka-javascript';
import { KafkaConnectionOptions, librdkafkaConfig } from './connection';
import { withTimeout } from './with-timeout';
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
  private isConnected = false;

  constructor(
    private readonly connection: KafkaConnectionOptions,
    private readonly timeoutMs = 2000,
  ) {}

  /** Resolves with the number of brokers in the cluster, rejects when it is unreachable (within the timeout). */
  async brokerCount(): Promise<number> {
    const client = this.connected();
    try {
      const metadata = await withTimeout(
        client.then(
          (connected) =>
            new Promise<Metadata>((resolve, reject) =>
              connected.getMetadata({ allTopics: false, timeout: this.timeoutMs }, (error: LibrdKafkaError, data: Metadata) =>
                error ? reject(new Error(`kafka metadata: ${error.message}`)) : resolve(data),
              ),
            ),
        ),
        this.timeoutMs,
        'kafka metadata',
      );
      return metadata.brokers.length;
    } catch (error) {
      // A client that never connected is dropped (and closed if it connects late); a connected one re-dials by itself.
      if (this.client === client && !this.isConnected) {
        this.client = undefined;
        void client.then(disconnect).catch(() => undefined);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    // Bounded: a connect that never completes must not hold up the service's shutdown.
    if (client) await withTimeout(client.then(disconnect), this.timeoutMs, 'kafka probe disconnect').catch(() => undefined);
  }

  private connected(): Promise<NativeProducer> {
    if (!this.client) {
      this.isConnected = false;
      this.client = connectProducer(librdkafkaConfig({ ...this.connection, clientId: `${this.connection.clientId}-probe` }), this.timeoutMs);
      this.client.then(() => (this.isConnected = true)).catch(() => undefined);
    }
    return this.client;
  }
}
