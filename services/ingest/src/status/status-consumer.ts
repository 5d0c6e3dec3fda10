import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AvroSerde } from '@claims-mesh/contracts';
import { InboundRecord, KafkaConnectionOptions, KafkaTransport } from '@claims-mesh/kafka';
import { KAFKA_CONNECTION, ReadinessChecks } from '@claims-mesh/platform';
import { Registry } from 'prom-client';
import { IngestConfig } from '../config';
import { ClaimEventsHandler, STATUS_TOPICS } from './claim-events.handler';

/**
 * The consumer of the status topics, in a group of its own (`<KAFKA_GROUP_ID>.status`) that
 * starts at the topics' end when it has nothing committed: ingest's main group reads the
 * entrances (claims.inbound.json.v1, claims.inbound.avro.v1) from their beginning, and must not
 * wait behind the whole history of the claim topics (millions of records) on a first start; a
 * status view of claims decided before the first start is not needed. At-least-once, like the
 * main consumer; its transport metrics go to a registry of their own (the names are the main
 * consumer's), and readiness reports it as `status-consumer` until it has joined its group and
 * when a batch is stuck.
 */
@Injectable()
export class StatusConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StatusConsumer.name);
  private readonly transport: KafkaTransport;
  private started = false;

  constructor(
    @Inject(KAFKA_CONNECTION) connection: KafkaConnectionOptions,
    serde: AvroSerde,
    handler: ClaimEventsHandler,
    config: IngestConfig,
    readiness: ReadinessChecks,
  ) {
    this.transport = new KafkaTransport({
      connection,
      serde,
      groupId: `${config.KAFKA_GROUP_ID ?? 'ingest'}.status`,
      service: 'ingest',
      metrics: new Registry(),
      commitIntervalMs: config.KAFKA_COMMIT_INTERVAL_MS,
      fetchWaitMs: config.KAFKA_FETCH_WAIT_MS,
      fetchMinBytes: config.KAFKA_FETCH_MIN_BYTES,
      instanceId: config.KAFKA_INSTANCE_ID ? `${config.KAFKA_INSTANCE_ID}.status` : undefined,
      startAt: 'latest',
    });
    // One function and one extras object for the four topics: the transport hands it a poll's records of all of them at once.
    const onRecords = (records: InboundRecord<Buffer | null>[]) => handler.onClaimEvents(records);
    const extras = { batch: true, raw: true };
    for (const topic of STATUS_TOPICS) this.transport.addHandler(topic, onRecords as never, true, extras);
    const stallMs = config.CONSUMER_STALL_SECONDS * 1000;
    readiness.register({
      name: 'status-consumer',
      check: async () => {
        if (!this.started) return { ready: false, details: { message: 'joining its consumer group' } };
        const stalled = this.transport.stalledBatches(stallMs);
        return stalled.length === 0 ? { ready: true } : { ready: false, details: { message: `no progress on ${stalled.map((b) => b.partition).join(', ')}`, stalled } };
      },
    });
  }

  onApplicationBootstrap(): void {
    this.transport.listen(() => this.logger.log(`status view consumer starting on ${STATUS_TOPICS.join(', ')}`));
    void this.transport.whenStarted().then(() => (this.started = true));
  }

  /** Resolves once the consumer has joined its group. */
  whenStarted(): Promise<void> {
    return this.transport.whenStarted();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
