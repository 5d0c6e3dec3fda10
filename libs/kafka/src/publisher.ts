import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AvroSerde } from '@claims-mesh/contracts';
import type { DeliveryReport, LibrdKafkaError } from '@confluentinc/kafka-javascript';
import { KafkaConnectionOptions, librdkafkaConfig, PRODUCER_DEFAULTS } from './connection';
import { asError, connectProducer, disconnect, flush, NativeProducer, produce } from './transport/native-clients';
import { injectIntoHeaders } from './transport/trace-context';

export interface PublishRecord<T = unknown> {
  key: string;
  value: T;
  headers?: Record<string, string>;
}

const tracer = trace.getTracer('@claims-mesh/kafka');

/** One publish() call waiting for the brokers to acknowledge each of its records. */
interface Waiting {
  outstanding: number;
  failure?: Error;
  settle: (failure?: Error) => void;
}

/**
 * Produces Avro records for request/response paths (e.g. ingest's HTTP API), where a caller
 * must learn that its records are durable (acks=all, idempotent) before answering.
 * librdkafka's linger batches concurrent calls into shared produce requests per partition;
 * each call resolves on its own records' delivery reports. `pendingRecords` is what
 * backpressure watches.
 */
export class KafkaPublisher {
  private connecting: Promise<NativeProducer> | undefined;
  private pending = 0;

  constructor(
    private readonly connection: KafkaConnectionOptions,
    private readonly serde: AvroSerde,
  ) {}

  /** Records accepted by publish() and not yet acknowledged by the brokers. */
  get pendingRecords(): number {
    return this.pending;
  }

  /** Resolves once every record is written to all in-sync replicas; rejects if any is not. */
  async publish<T>(topic: string, records: PublishRecord<T>[]): Promise<void> {
    if (records.length === 0) return;
    const span = tracer.startSpan(`send ${topic}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.batch.message_count': records.length,
        ...(records.length === 1 ? { 'claim.id': records[0].key } : {}),
      },
    });
    const sendContext = trace.setSpan(context.active(), span);
    this.pending += records.length;
    try {
      const writer = await this.serde.writerFor(topic);
      // Sealing is synchronous for subjects whose key is held; a new subject's key is fetched or made first.
      const values = this.serde.sealsPersonalData ? await Promise.all(records.map((r) => this.serde.seal(topic, r.value))) : undefined;
      const producer = await this.connected();
      await new Promise<void>((resolve, reject) => {
        const waiting: Waiting = {
          outstanding: records.length,
          settle: (failure) => (failure ? reject(failure) : resolve()),
        };
        void this.produceAll(producer, waiting, records, (r, i) => ({
          topic,
          key: r.key,
          value: r.value === null ? null : this.serde.encodeWith(writer, values ? values[i] : r.value), // null: a tombstone
          headers: injectIntoHeaders(sendContext, { ...r.headers }),
        }));
      });
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      this.pending -= records.length;
      span.end();
    }
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    const producer = await connecting?.catch(() => undefined);
    if (!producer) return;
    await flush(producer, 10_000).catch(() => undefined);
    await disconnect(producer);
  }

  private async produceAll<T>(
    producer: NativeProducer,
    waiting: Waiting,
    records: PublishRecord<T>[],
    encode: (record: PublishRecord<T>, index: number) => Parameters<typeof produce>[1],
  ): Promise<void> {
    for (let i = 0; i < records.length; i++) {
      try {
        const queued = produce(producer, encode(records[i], i), waiting);
        if (queued) await queued;
      } catch (error) {
        // Records already queued still report; the call fails once they have.
        waiting.failure ??= asError(error);
        waiting.outstanding -= records.length - i;
        if (waiting.outstanding === 0) waiting.settle(waiting.failure);
        return;
      }
    }
  }

  private delivered(error: LibrdKafkaError | null | undefined, report: DeliveryReport): void {
    const waiting = report.opaque as Waiting | undefined;
    if (!waiting) return;
    if (error) waiting.failure ??= asError(error);
    if (--waiting.outstanding === 0) waiting.settle(waiting.failure);
  }

  private connected(): Promise<NativeProducer> {
    if (!this.connecting) {
      const connecting = connectProducer({ ...librdkafkaConfig(this.connection), ...PRODUCER_DEFAULTS, dr_cb: true }).then((producer) => {
        producer.setPollInBackground(true);
        producer.on('delivery-report', (error: LibrdKafkaError, report: DeliveryReport) => this.delivered(error, report));
        return producer;
      });
      connecting.catch(() => {
        if (this.connecting === connecting) this.connecting = undefined;
      });
      this.connecting = connecting;
    }
    return this.connecting;
  }
}
