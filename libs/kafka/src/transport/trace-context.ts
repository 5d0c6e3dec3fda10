import {
  Context,
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  trace,
  TextMapGetter,
  TextMapSetter,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

const headerGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * W3C trace context must travel in Kafka headers even in a process without the telemetry
 * SDK (tests, tools); when the SDK is started it has already installed its propagator.
 */
export function ensureW3CPropagation(): void {
  if (propagation.fields().length > 0) return;
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
}

/** The trace context a producer put in the record's `traceparent`/`tracestate` headers. */
export function contextFromHeaders(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Writes `traceparent`/`tracestate` of `ctx` into the headers of an outgoing record. */
export function injectIntoHeaders(ctx: Context, headers: Record<string, string>): Record<string, string> {
  propagation.inject(ctx, headers, headerSetter);
  return headers;
}

const tracer = trace.getTracer('@claims-mesh/kafka');

export interface ProcessSpanInfo {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  consumerGroup: string;
}

const CLAIM_ID = createContextKey('claims-mesh claim.id');

/** The claim a record's work concerns (its key), so every log line written while handling it names the claim. */
export function claimIdOf(ctx: Context): string | undefined {
  const claimId = ctx.getValue(CLAIM_ID);
  return typeof claimId === 'string' ? claimId : undefined;
}

/**
 * A CONSUMER span per record, child of the producer's context, named and tagged per the messaging conventions.
 *
 * Attributes are set on the started span, not passed to startSpan: the SDK validates and
 * copies attributes given to startSpan twice (before and after sampling), once even for a
 * span sampled out, and this runs for every record (a sixth of the span's cost, in profiles
 * of the feature hop). The mesh's samplers do not look at attributes.
 */
export function startProcessSpan(parent: Context, info: ProcessSpanInfo): { span: Span; ctx: Context } {
  const span = tracer.startSpan(`process ${info.topic}`, { kind: SpanKind.CONSUMER }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': info.topic,
      'messaging.destination.partition.id': String(info.partition),
      'messaging.kafka.offset': Number(info.offset),
      'messaging.consumer.group.name': info.consumerGroup,
    });
    if (info.key) span.setAttributes({ 'messaging.kafka.message.key': info.key, 'claim.id': info.key });
  }
  const ctx = trace.setSpan(parent, span);
  return { span, ctx: info.key ? ctx.setValue(CLAIM_ID, info.key) : ctx };
}

/**
 * One span for a whole batch handed to a batch handler (e.g. one Triton batch
 * serving many claims). Parent-child cannot express "one span for many traces", so the
 * batch span links to every record's span and each record's span links back to it: from a
 * claim's trace an engineer reaches its batch, and from the batch every claim in it.
 */
export function startBatchSpan(
  info: { topics: string[]; partitions: number[]; consumerGroup: string },
  recordSpans: Span[],
): { span: Span; ctx: Context } {
  const span = tracer.startSpan(
    `process batch ${info.topics.join(', ')}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        // The convention names one destination; a handler of several topics gets them in one batch.
        ...(info.topics.length === 1 ? { 'messaging.destination.name': info.topics[0] } : { 'messaging.batch.destinations': info.topics }),
        // A batch spans the partitions of one poll; the convention's attribute names one partition.
        ...(info.partitions.length === 1 && info.topics.length === 1 ? { 'messaging.destination.partition.id': String(info.partitions[0]) } : {}),
        'messaging.consumer.group.name': info.consumerGroup,
        'messaging.batch.message_count': recordSpans.length,
      },
      links: recordSpans.map((s) => ({ context: s.spanContext() })),
    },
    ROOT_CONTEXT,
  );
  for (const recordSpan of recordSpans) recordSpan.addLink({ context: span.spanContext() });
  return { span, ctx: trace.setSpan(ROOT_CONTEXT, span) };
}

export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}
