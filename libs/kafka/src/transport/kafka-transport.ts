import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { AvroSerde, WireFormatError } from '@claims-mesh/contracts';
import { ROOT_CONTEXT, Span, SpanStatusCode } from '@opentelemetry/api';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Partitioners, Producer, RetryOptions } from 'kafkajs';
import { Registry } from 'prom-client';
import { isObservable, lastValueFrom } from 'rxjs';
import { BatchWatch, StalledBatch } from './batch-watch';
import { BackoffOptions, DEFAULT_BACKOFF, RetryControl, retryTransient, StoppedError } from './backoff';
import { PartitionCheckedSender } from '../partition-checked-send';
import { deadLetterOf } from './dead-letter';
import { InFlightGate } from './in-flight-gate';
import { ConsumerLagMonitor } from './consumer-lag-monitor';
import { BatchResult, headersToStrings, InboundRecord, InvalidRecordError, OutboundRecord } from './records';
import { coordinatorLost, CoordinatorLostError, rejoinRequest } from './group-membership';
import { contextFromHeaders, ensureW3CPropagation, injectIntoHeaders, runInContext, startBatchSpan, startProcessSpan } from './trace-context';
import { TransportMetrics } from './transport-metrics';

export interface KafkaTransportOptions {
  kafka: Kafka;
  serde: AvroSerde;
  /** Consumer group, and the prefix of transactional ids. Usually the service name. */
  groupId: string;
  /** Named in dead-letter headers. */
  service: string;
  metrics: Registry;
  /**
   * Consume-transform-produce in Kafka transactions: a batch's outputs, dead letters and
   * consumed offsets commit atomically, so a crash never duplicates an output.
   */
  transactional?: boolean;
  partitionsConsumedConcurrently?: number;
  /** Records held in memory across partitions before consumption pauses. */
  maxInFlightRecords?: number;
  backoff?: BackoffOptions;
  /** How often the group's lag is read from the brokers for `kafka_consumer_lag`. */
  lagPollIntervalMs?: number;
  /** How long shutdown waits for the in-flight batch before abandoning it (uncommitted). */
  shutdownTimeoutMs?: number;
  sessionTimeoutMs?: number;
}

/** Options a handler declares with `@EventPattern(topic, extras)`. */
export interface HandlerExtras {
  /** The handler takes a whole partition batch (InboundRecord[]) and returns a BatchResult. */
  batch?: boolean;
  /** Values are passed as the original bytes, not decoded (e.g. for DLQ consumers). */
  raw?: boolean;
}

/** What the transport has done with one partition batch so far. */
interface BatchProgress {
  outputs: Map<string, Message[]>;
  producedCount: number;
  deadLetters: number;
  /** Input records handled or dead-lettered. */
  handled: number;
  /** Offset of the last record fully handled; everything up to it can be committed. */
  lastDone: string | undefined;
  /** A transactional commit failed and so did its abort: that transaction may have committed after all. */
  commitInDoubt: boolean;
}

type Handler = MessageHandler<unknown, unknown, unknown> & { extras?: HandlerExtras };

/**
 * NestJS transport over kafkajs. Services write `@EventPattern('claims.enriched.v1')`
 * handlers that receive decoded records and return records to produce; the transport
 * handles batching, ordering, offsets, retries, dead letters, backpressure and tracing.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly transactionalProducers = new Map<string, Promise<Producer>>();
  private readonly metrics: TransportMetrics;
  private readonly lagMonitor: ConsumerLagMonitor;
  private readonly gate: InFlightGate;
  private readonly backoff: BackoffOptions;
  private readonly sender: PartitionCheckedSender;
  private readonly batchWatch = new BatchWatch();
  private stopping = false;
  private started: Promise<void> | undefined;

  constructor(private readonly options: KafkaTransportOptions) {
    super();
    this.metrics = new TransportMetrics(options.metrics);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.sender = new PartitionCheckedSender(options.kafka);
    this.lagMonitor = new ConsumerLagMonitor(options.kafka, options.groupId, this.metrics.lag, options.lagPollIntervalMs ?? 10_000);
    this.gate = new InFlightGate(options.maxInFlightRecords ?? 10_000, (paused) => {
      this.metrics.pausedPartitions.set(paused ? 1 : 0);
      if (paused) this.metrics.pauses.inc();
    });
    ensureW3CPropagation();
  }

  /**
   * Returns at once so the HTTP side boots even while Kafka is down (readiness reports it);
   * connecting and consuming keep retrying in the background until they succeed or close().
   */
  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.started = retryTransient(() => this.start(), this.retryControl('startup', async () => undefined)).catch(
      (error: Error) => {
        if (!(error instanceof StoppedError)) this.logger.error(`kafka transport failed to start: ${error.message}`);
      },
    );
    callback();
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.gate.resumeAll();
    const timeoutMs = this.options.shutdownTimeoutMs ?? 10_000;
    await withTimeout(this.disconnectAll(), timeoutMs).catch((error: Error) =>
      this.logger.warn?.(`kafka transport shutdown: ${error.message}`),
    );
  }

  on(): void {
    throw new Error('KafkaTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return { consumer: this.consumer, producer: this.producer } as T;
  }

  /** Partition batches in the transport's hands for longer than `ms` (for readiness: see BatchWatch). */
  stalledBatches(ms: number): StalledBatch[] {
    return this.batchWatch.stalledFor(ms);
  }

  /** Resolves once the consumer is running (for tests and tools). */
  async whenStarted(): Promise<void> {
    await this.started;
  }

  private async start(): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    if (topics.length === 0 || this.stopping) return;
    const { kafka, groupId } = this.options;
    await this.disconnectAll();
    if (!this.options.transactional) {
      this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await this.producer.connect();
    }
    this.consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3000,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.lagMonitor.start(topics);
    this.logger.log?.(`consuming ${topics.join(', ')} as group ${groupId}${this.options.transactional ? ' (transactional)' : ''}`);
  }

  private async disconnectAll(): Promise<void> {
    await this.lagMonitor.stop();
    const producers = [this.producer, ...(await Promise.all(this.transactionalProducers.values()).catch(() => []))];
    this.transactionalProducers.clear();
    await this.consumer?.disconnect().catch(() => undefined);
    await Promise.all(producers.map((p) => p?.disconnect().catch(() => undefined)));
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || this.stopping) return;
    if (this.gate.isFull()) {
      // Kafka keeps the records; the batch is fetched again after resume.
      this.gate.whenDrained(payload.pause());
      return;
    }
    this.gate.acquire(batch.messages.length);
    this.batchWatch.started(batch.topic, batch.partition);
    try {
      await this.processBatch(payload);
    } finally {
      this.batchWatch.finished(batch.topic, batch.partition);
      this.gate.release(batch.messages.length);
    }
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const handler = this.messageHandlers.get(batch.topic) as Handler | undefined;
    if (!handler) return;
    this.metrics.batchSize.observe({ topic: batch.topic }, batch.messages.length);
    const progress: BatchProgress = {
      outputs: new Map(),
      producedCount: 0,
      deadLetters: 0,
      handled: 0,
      lastDone: undefined,
      commitInDoubt: false,
    };
    const running = () => !this.stopping && payload.isRunning() && !payload.isStale();
    const control = this.retryControl(batch.topic, payload.heartbeat, running);

    try {
      if (handler.extras?.batch) await this.handleAsBatch(handler, payload, progress, control);
      else await this.handleOneByOne(handler, payload, progress, control, running);
    } catch (error) {
      if (!(error instanceof StoppedError)) throw error;
    }
    if (progress.lastDone === undefined) return;
    try {
      await retryTransient(() => this.commit(payload, progress), {
        ...control,
        isPermanent: (error) => isPermanent(error) || error instanceof CoordinatorLostError,
      });
    } catch (error) {
      if (error instanceof StoppedError) return; // not committed: redelivered after restart
      // The batch is not committed and comes again after the join (its outputs are replayed, as after a crash).
      if (error instanceof CoordinatorLostError) throw rejoinRequest(error.cause);
      throw error;
    }
    payload.resolveOffset(progress.lastDone);
    await payload.heartbeat().catch((error: Error) => {
      // kafkajs heartbeats the coordinator of its last join too; were it gone, kafkajs would retry
      // and restart the consumer (seen: 5 retries, then 9 s before the restart) instead of joining.
      if (coordinatorLost(error)) throw rejoinRequest(error);
    });
  }

  private async handleOneByOne(
    handler: Handler,
    payload: EachBatchPayload,
    progress: BatchProgress,
    control: RetryControl,
    running: () => boolean,
  ): Promise<void> {
    const { batch } = payload;
    const handlerSeconds = this.metrics.handlerSeconds.labels(batch.topic);
    for (let i = 0; i < batch.messages.length; i++) {
      // Checking every record costs more than it saves; a stop waits for at most a few records.
      if (i % STOP_CHECK_EVERY === 0 && !running()) break;
      const message = batch.messages[i];
      const headers = headersToStrings(message.headers);
      const { span, ctx } = startProcessSpan(contextFromHeaders(headers), {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        consumerGroup: this.options.groupId,
      });
      const timer = handlerSeconds.startTimer();
      try {
        const record = await tryThenRetry(() => this.decode(batch.topic, batch.partition, message, headers, handler), control);
        const result = await tryThenRetry(() => runInContext(ctx, () => this.invoke(handler, record)), control);
        const outputs = asOutputs(result).map((o) => ({ ...o, headers: injectIntoHeaders(ctx, { ...o.headers }) }));
        await this.addOutputs(progress, outputs, control);
      } catch (error) {
        markFailed(span, error);
        if (!isPermanent(error)) {
          span.end();
          throw error;
        }
        // In the record's context, so the dead-letter log line names its claim and trace.
        runInContext(ctx, () => this.addDeadLetter(progress, batch.topic, batch.partition, message, error as Error));
      }
      timer();
      span.end();
      progress.handled++;
      progress.lastDone = message.offset;
    }
  }

  private async handleAsBatch(
    handler: Handler,
    payload: EachBatchPayload,
    progress: BatchProgress,
    control: RetryControl,
  ): Promise<void> {
    const { batch } = payload;
    const records: InboundRecord[] = [];
    const spans = new Map<InboundRecord, ReturnType<typeof startProcessSpan>>();
    const messageOf = new Map<InboundRecord, KafkaMessage>();
    for (const message of batch.messages) {
      const headers = headersToStrings(message.headers);
      try {
        const record = await tryThenRetry(() => this.decode(batch.topic, batch.partition, message, headers, handler), control);
        records.push(record);
        messageOf.set(record, message);
        spans.set(
          record,
          startProcessSpan(contextFromHeaders(headers), {
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: record.key,
            consumerGroup: this.options.groupId,
          }),
        );
      } catch (error) {
        if (!isPermanent(error)) throw error;
        this.addDeadLetter(progress, batch.topic, batch.partition, message, error as Error);
      }
    }
    const timer = this.metrics.handlerSeconds.startTimer({ topic: batch.topic });
    const batchSpan = startBatchSpan(
      { topic: batch.topic, partition: batch.partition, consumerGroup: this.options.groupId },
      [...spans.values()].map((s) => s.span),
    );
    let result: BatchResult;
    try {
      result = (
        records.length
          ? await tryThenRetry(() => runInContext(batchSpan.ctx, () => this.invoke(handler, records)), control)
          : { outputs: [] }
      ) as BatchResult;
    } catch (error) {
      markFailed(batchSpan.span, error);
      batchSpan.span.end();
      for (const { span } of spans.values()) span.end();
      throw error;
    }
    batchSpan.span.end();
    timer();
    for (const { record, error } of result.rejected ?? []) {
      const ctx = spans.get(record)?.ctx ?? ROOT_CONTEXT;
      runInContext(ctx, () => this.addDeadLetter(progress, batch.topic, batch.partition, messageOf.get(record) as KafkaMessage, error));
    }
    const outputs = (result.outputs ?? []).map((o) => {
      const ctx = o.causedBy ? spans.get(o.causedBy)?.ctx : undefined;
      return ctx ? { ...o, headers: injectIntoHeaders(ctx, { ...o.headers }) } : o;
    });
    await this.addOutputs(progress, outputs, control);
    for (const { span } of spans.values()) span.end();
    progress.handled = batch.messages.length;
    progress.lastDone = batch.messages[batch.messages.length - 1].offset;
  }

  /** Synchronous whenever the writer schema is cached, which is the common case. */
  private decode(
    topic: string,
    partition: number,
    message: KafkaMessage,
    headers: Record<string, string>,
    handler: Handler,
  ): InboundRecord | Promise<InboundRecord> {
    const value = handler.extras?.raw ? message.value : this.options.serde.decodeNow(topic, message.value);
    if (value instanceof Promise) return value.then((decoded) => this.recordOf(topic, partition, message, headers, decoded));
    return this.recordOf(topic, partition, message, headers, value);
  }

  private recordOf(topic: string, partition: number, message: KafkaMessage, headers: Record<string, string>, value: unknown): InboundRecord {
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      value,
      headers,
      timestamp: Number(message.timestamp),
    };
  }

  /** Nest's handler proxy resolves to the handler's value, or an Observable if it returned one. */
  private async invoke(handler: Handler, data: unknown): Promise<unknown> {
    const result: unknown = await handler(data);
    return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
  }

  private async addOutputs(
    progress: BatchProgress,
    outputs: OutboundRecord[],
    control: RetryControl,
  ): Promise<void> {
    for (const output of outputs) {
      const value = await tryThenRetry(() => this.options.serde.encode(output.topic, output.value), control);
      const messages = progress.outputs.get(output.topic) ?? [];
      messages.push({ key: output.key, value, headers: output.headers });
      progress.outputs.set(output.topic, messages);
      progress.producedCount++;
    }
  }

  private addDeadLetter(progress: BatchProgress, topic: string, partition: number, message: KafkaMessage, error: Error): void {
    const letter = deadLetterOf({ topic, partition, message }, error, this.options.service);
    const messages = progress.outputs.get(letter.topic) ?? [];
    messages.push(letter.message);
    progress.outputs.set(letter.topic, messages);
    progress.deadLetters++;
    this.metrics.deadLetters.inc({ topic, error_class: error.name || 'Error' });
    // The reason stays in the dead letter's headers: a message about a bad value can quote it (a parse
    // error quotes the raw input), and a log line must never carry a claim's personal data.
    this.logger.warn?.(`dead-lettered ${topic}/${partition}@${message.offset} to ${letter.topic}: ${error.name}`);
  }

  /**
   * Makes the batch's effects durable, then commits its offsets: outputs and dead letters
   * acknowledged by all in-sync replicas first (or all of it in one transaction).
   */
  private async commit(payload: EachBatchPayload, progress: BatchProgress): Promise<void> {
    const { topic, partition } = payload.batch;
    const offset = (BigInt(progress.lastDone as string) + 1n).toString();
    const topicMessages = [...progress.outputs.entries()].map(([name, messages]) => ({ topic: name, messages }));
    if (this.options.transactional) {
      const producer = await this.transactionalProducer(topic, partition);
      // A commit whose broker died before answering may have gone through: a coordinator that takes
      // over finishes a transaction it finds logged as PrepareCommit (seen: 492 decisions published
      // twice when the retry committed the same outputs again). The new producer's initProducerId
      // returned only once that transaction was finished, either way, so the group's offset tells.
      if (progress.commitInDoubt && (await this.committedOffset(topic, partition)) >= BigInt(offset)) {
        this.logger.warn?.(`${topic}/${partition}: the transaction in doubt had committed; not committing its outputs again`);
      } else {
        progress.commitInDoubt = false;
        const transaction = await producer.transaction();
        try {
          await this.sender.send(transaction, topicMessages);
          await transaction.sendOffsets({
            consumerGroupId: this.options.groupId,
            topics: [{ topic, partitions: [{ partition, offset }] }],
          });
          await transaction.commit();
        } catch (error) {
          // An abort that fails too (the broker went away mid-transaction) leaves the kafkajs producer
          // in state ABORTING for good: every later beginTransaction throws. Drop it, so the retry
          // gets a new producer whose initProducerId fences the old epoch and finishes the open transaction.
          await transaction.abort().catch(() => {
            progress.commitInDoubt = true;
            return this.dropTransactionalProducer(topic, partition);
          });
          throw error;
        }
      }
    } else {
      await this.sender.send(this.producer as Producer, topicMessages);
      // The payload's commit rather than consumer.commitOffsets, which retries inside kafkajs for ~9 s
      // even when only joining the group again can help.
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] }).catch((error: Error) => {
        throw coordinatorLost(error) ? new CoordinatorLostError(error) : error;
      });
    }
    for (const { topic: name, messages } of topicMessages) this.metrics.recordsOut.inc({ topic: name }, messages.length);
    this.metrics.recordsIn.inc({ topic }, progress.handled);
  }

  /** The group's committed offset on a partition (-1 when none), from its coordinator. */
  private async committedOffset(topic: string, partition: number): Promise<bigint> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] });
      return BigInt(committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private transactionalIdOf(topic: string, partition: number): string {
    return `${this.options.groupId}.${topic}.${partition}`;
  }

  private async dropTransactionalProducer(topic: string, partition: number): Promise<void> {
    const id = this.transactionalIdOf(topic, partition);
    const producer = this.transactionalProducers.get(id);
    this.transactionalProducers.delete(id);
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** One transactional producer per input partition: a restarted or moved consumer fences its predecessor. */
  private transactionalProducer(topic: string, partition: number): Promise<Producer> {
    const id = this.transactionalIdOf(topic, partition);
    let producer = this.transactionalProducers.get(id);
    if (!producer) {
      const created = this.options.kafka.producer({
        transactionalId: id,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: TRANSACTIONAL_RETRY,
      });
      producer = created.connect().then(() => created);
      producer.catch(() => this.transactionalProducers.delete(id));
      this.transactionalProducers.set(id, producer);
    }
    return producer;
  }

  private retryControl(topic: string, heartbeat: () => Promise<void>, running: () => boolean = () => !this.stopping): RetryControl {
    return {
      backoff: this.backoff,
      shouldContinue: running,
      isPermanent,
      heartbeat,
      onRetry: (error: unknown, attempt: number, delayMs: number) => {
        this.metrics.retries.inc({ topic });
        this.logger.warn?.(`${topic}: transient failure (attempt ${attempt + 1}), retrying in ${delayMs} ms: ${(error as Error).message}`);
      },
    };
  }
}

const STOP_CHECK_EVERY = 32;

/**
 * kafkajs retry settings of the transactional producers. A transaction's first send after a
 * commit usually meets CONCURRENT_TRANSACTIONS while the coordinator still writes the previous
 * one's markers, which takes a few ms; kafkajs's default first retry (300 ms, doubling) made
 * that wait the bulk of each hop's latency (`make bench-transactions` measures it). The cap
 * keeps a producer from sleeping through a broker's failover between attempts.
 */
export const TRANSACTIONAL_RETRY: RetryOptions = { initialRetryTime: 1, maxRetryTime: 250, retries: Number.MAX_SAFE_INTEGER };

/**
 * Runs `operation` once without the retry machinery (most calls succeed, many synchronously),
 * and only on a transient failure hands it to retryTransient.
 */
function tryThenRetry<T>(operation: () => T | Promise<T>, control: RetryControl): T | Promise<T> {
  const retry = (error: unknown): Promise<T> => retryTransient(async () => operation(), control, { error });
  try {
    const result = operation();
    return result instanceof Promise ? result.catch(retry) : result;
  } catch (error) {
    return retry(error);
  }
}

/** Errors that no retry can fix: the record goes to the DLQ. */
function isPermanent(error: unknown): boolean {
  return error instanceof WireFormatError || error instanceof InvalidRecordError;
}

function asOutputs(result: unknown): OutboundRecord[] {
  if (result === undefined || result === null) return [];
  return Array.isArray(result) ? (result as OutboundRecord[]) : [result as OutboundRecord];
}

function markFailed(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gave up after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
