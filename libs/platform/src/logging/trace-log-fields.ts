import { claimIdOf } from '@claims-mesh/kafka';
import { Context, isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  claimId?: string;
}

/**
 * What ties a log line to its trace and claim: the active span's ids (so Jaeger finds the
 * trace of a log line) and the claim whose record is being handled, when there is one.
 */
export function traceLogFields(ctx: Context): TraceLogFields {
  const fields: TraceLogFields = {};
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
  }
  const claimId = claimIdOf(ctx);
  if (claimId) fields.claimId = claimId;
  return fields;
}
