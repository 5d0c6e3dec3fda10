import type { MessageHandler } from '@nestjs/microservices';
import type { Message } from '@confluentinc/kafka-javascript';
import { AvroSerde, WireFormatError } from '@claims-mesh/contracts';
import { Context, Span, SpanStatusCode } from '@opentelemetry/api';
import { isObservable, lastValueFrom } from 'rxjs';
import { RetryControl, retryTransient } from './backoff';
import { BatchOutputs } from './batch-outputs';
import { BatchResult, headersOf, headersToStrings, InboundRecord, InvalidRecordError, OutboundRecord } from './records';
import { contextFromHeaders, injectIntoHeaders, runInContext, startBatchSpan, startProcessSpan } from './trace-context';
import { TransportMetrics } from './transport-metrics';

/** Options a handler declares with `@EventPattern(topic, extras)`. */
export interface HandlerExtras {
  /** The handler takes a whole batch (InboundRecord[], across partitions) and returns a BatchResult. */
  batch?: boolean;
  /** Values are passed as the original bytes, not decoded (e.g. for DLQ consumers). */
  raw?: boolean;
}

export type Handler = MessageHandler<unknown, unknown, unknown> & { extras?: HandlerExtras };

/** One consumed record on its way through a handler: its decoded form, its span and where its bytes came from. */
interface InFlightRecord {
  message: Message;
  key: string | null;
  /** The record's headers as strings, read once for its trace context and its handler. */
  headers: Record<string, string>;
  record?: InboundRecord;
  span: Span;
  ctx: Context;
}

/**
 * Runs a poll's records through their handler: decoding, one CONSUMER span per
 * record (child of the producer's trace context, in both handler modes), transient failures
 * retried with backoff, permanent ones dead-lettered, and the outputs encoded with their
 * trace context into `outputs`. Order is kept per partition: a record-at-a-time handler
 * takes each partition's records in turn, the partitions side by side.
 */
export class RecordRunner {
  constructor(
    private readonly serde: AvroSerde,
    private readonly metrics: TransportMetrics,
    private readonly consumerGroup: string,
    private readonly deadLetter: (outputs: BatchOutputs, message: Message, error: Error) => void,
  ) {}

  /**
   * `messages` are a poll's records of every topic the handler is registered for: a batch
   * handler of several topics (audit's) gets them in one call, so it can make one round trip.
   */
  async run(handler: Handler, messages: Message[], outputs: BatchOutputs, control: RetryControl): Promise<void> {
    const topics = countByTopic(messages);
    for (const [topic, count] of topics) this.metrics.batchSize.observe({ topic }, count);
    if (handler.extras?.batch) await this.runAsBatch(handler, [...topics.keys()], messages, outputs, control);
    else await Promise.all([...byPartition(messages).values()].map((lane) => this.runOneByOne(handler, lane, outputs, control)));
  }

  private async runOneByOne(handler: Handler, messages: Message[], outputs: BatchOutputs, control: RetryControl): Promise<void> {
    const handlerSeconds = this.metrics.handlerSeconds.labels(messages[0].topic);
    for (const message of messages) {
      const item = this.begin(message);
      const timer = handlerSeconds.startTimer();
      try {
        const record = await tryThenRetry(() => this.decode(item, handler), control);
        const result = await tryThenRetry(() => runInContext(item.ctx, () => invoke(handler, record)), control);
        await this.addOutputs(outputs, asOutputs(result), control, () => item.ctx);
      } catch (error) {
        markFailed(item.span, error);
        if (!isPermanent(error)) {
          item.span.end();
          throw error;
        }
        // In the record's context, so the dead-letter log line names its claim and trace.
        runInContext(item.ctx, () => this.deadLetter(outputs, message, error as Error));
      }
      timer();
      item.span.end();
    }
  }

  private async runAsBatch(handler: Handler, topics: string[], messages: Message[], outputs: BatchOutputs, control: RetryControl): Promise<void> {
    const items: InFlightRecord[] = [];
    for (const message of messages) {
      const item = this.begin(message);
      try {
        item.record = await tryThenRetry(() => this.decode(item, handler), control);
        items.push(item);
      } catch (error) {
        markFailed(item.span, error);
        item.span.end();
        if (!isPermanent(error)) throw error;
        runInContext(item.ctx, () => this.deadLetter(outputs, message, error as Error));
      }
    }
    if (items.length === 0) return;
    const byRecord = new Map(items.map((item) => [item.record as InboundRecord, item]));
    const endAll = () => items.forEach((item) => item.span.end());
    const started = process.hrtime.bigint();
    const partitions = [...new Set(items.map((item) => item.message.partition))];
    const batchSpan = startBatchSpan({ topics, partitions, consumerGroup: this.consumerGroup }, items.map((item) => item.span));
    let result: BatchResult;
    try {
      const records = [...byRecord.keys()];
      result = (await tryThenRetry(() => runInContext(batchSpan.ctx, () => invoke(handler, records)), control)) as BatchResult;
    } catch (error) {
      markFailed(batchSpan.span, error);
      batchSpan.span.end();
      endAll();
      throw error;
    }
    batchSpan.span.end();
    // Every topic's records spent the whole call in the handler.
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const topic of topics) this.metrics.handlerSeconds.observe({ topic }, seconds);
    for (const { record, error } of result.rejected ?? []) {
      const item = byRecord.get(record);
      if (item) runInContext(item.ctx, () => this.deadLetter(outputs, item.message, error));
    }
    await this.addOutputs(outputs, result.outputs ?? [], control, (output) =>
      output.causedBy ? byRecord.get(output.causedBy)?.ctx : undefined,
    );
    endAll();
  }

  private begin(message: Message): InFlightRecord {
    const headers = headersToStrings(headersOf(message.headers));
    const key = message.key === undefined || message.key === null ? null : message.key.toString();
    const { span, ctx } = startProcessSpan(contextFromHeaders(headers), {
      topic: message.topic,
      partition: message.partition,
      offset: String(message.offset),
      key,
      consumerGroup: this.consumerGroup,
    });
    return { message, key, headers, span, ctx };
  }

  /** Synchronous whenever the writer schema is cached, which is the common case. */
  private decode(item: InFlightRecord, handler: Handler): InboundRecord | Promise<InboundRecord> {
    const { message } = item;
    const value = handler.extras?.raw ? message.value : this.serde.decodeNow(message.topic, message.value);
    if (value instanceof Promise) return value.then((decoded) => recordOf(item, decoded));
    return recordOf(item, value);
  }

  private async addOutputs(
    outputs: BatchOutputs,
    records: OutboundRecord[],
    control: RetryControl,
    contextOf: (output: OutboundRecord) => Context | undefined,
  ): Promise<void> {
    for (const output of records) {
      const value = await tryThenRetry(() => this.serde.encode(output.topic, output.value), control);
      const ctx = contextOf(output);
      const headers = ctx ? injectIntoHeaders(ctx, { ...output.headers }) : { ...output.headers };
      outputs.add({ topic: output.topic, key: output.key, value, headers });
    }
  }
}

function recordOf(item: InFlightRecord, value: unknown): InboundRecord {
  const { message } = item;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: String(message.offset),
    key: item.key,
    value,
    headers: item.headers,
    timestamp: message.timestamp ?? 0,
  };
}

/** Each topic partition's records, in their order: the lanes a record-at-a-time handler runs side by side. */
function byPartition(messages: Message[]): Map<string, Message[]> {
  const lanes = new Map<string, Message[]>();
  for (const message of messages) {
    const key = `${message.topic}\u0000${message.partition}`;
    const lane = lanes.get(key);
    if (lane) lane.push(message);
    else lanes.set(key, [message]);
  }
  return lanes;
}

function countByTopic(messages: Message[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message.topic, (counts.get(message.topic) ?? 0) + 1);
  return counts;
}

/** Nest's handler proxy resolves to the handler's value, or an Observable if it returned one. */
async function invoke(handler: Handler, data: unknown): Promise<unknown> {
  const result: unknown = await handler(data);
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}

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
export function isPermanent(error: unknown): boolean {
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
