import { claimIdOf, startProcessSpan } from '@claims-mesh/kafka';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { traceLogFields } from './trace-log-fields';

describe('traceLogFields', () => {
  it('gives the ids of the span active in the context', () => {
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    expect(traceLogFields(ctx)).toEqual({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
  });

  it('names the claim of the Kafka record being handled', () => {
    const { ctx, span } = startProcessSpan(ROOT_CONTEXT, { topic: 't', partition: 0, offset: '1', key: 'claim-42', consumerGroup: 'g' });
    span.end();
    expect(claimIdOf(ctx)).toBe('claim-42');
    expect(traceLogFields(ctx).claimId).toBe('claim-42');
  });

  it('adds nothing outside any span or record', () => {
    expect(traceLogFields(ROOT_CONTEXT)).toEqual({});
  });
});
