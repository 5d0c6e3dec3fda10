import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AvroSerde } from '@claims-mesh/contracts';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { PartitionCheckedSender } from './partition-checked-send';
import { injectIntoHeaders } from './transport/trace-context';

export interface PublishRecord<T = unknown> {
  key: string;
  value: T;
  headers?: Record<string, string>;
}

const tracer = trace.getTracer('@claims-mesh/kafka');

interface Waiting {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Produces Avro records for request/response paths (e.g. ingest's HTTP API), where a caller
 * must learn that its records are durable (acks=all) before answering. Concurrent calls
 * are coalesced into one produce request per flush, like the Java producer's linger, so
 * many small requests share round trips. `pendingRecords` is what backpressure watches.
 */
export class KafkaPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private queue: Waiting[] = [];
  private flushing = false;
  private pending = 0;
  private readonly sender: PartitionCheckedSender;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly maxRecordsPerRequest = 5000,
  ) {
    this.sender = new PartitionCheckedSender(kafka);
  }

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
    const writer = await this.serde.writerFor(topic);
    const messages = records.map((r) => ({
      key: r.key,
      value: this.serde.encodeWith(writer, r.value),
      headers: injectIntoHeaders(sendContext, { ...r.headers }),
    }));
    this.pending += messages.length;
    try {
      await new Promise<void>((resolve, reject) => {
        this.queue.push({ topic, messages, resolve, reject });
        if (!this.flushing) void this.flush();
      });
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      this.pending -= messages.length;
      span.end();
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.connecting = undefined;
    await producer?.disconnect();
  }

  /** Sends everything queued, one produce request at a time; what queues meanwhile goes next. */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          const producer = await this.connected();
          const byTopic = new Map<string, Message[]>();
          for (const w of batch) byTopic.set(w.topic, [...(byTopic.get(w.topic) ?? []), ...w.messages]);
          const topicMessages = [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
          await this.sender.send(producer, topicMessages);
          batch.forEach((w) => w.resolve());
        } catch (error) {
          batch.forEach((w) => w.reject(error as Error));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    let count = 0;
    while (this.queue.length > 0 && (batch.length === 0 || count + this.queue[0].messages.length <= this.maxRecordsPerRequest)) {
      const next = this.queue.shift() as Waiting;
      batch.push(next);
      count += next.messages.length;
    }
    return batch;
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    if (!this.connecting) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.connecting = producer.connect().then(
        () => (this.producer = producer),
        (error) => {
          this.connecting = undefined;
          throw error;
        },
      );
    }
    return this.connecting;
  }
}
