import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OtlpSpanEncoder } from './otlp-span-encoder';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

/** Finished spans of two services (resources), two scopes, every kind of field and attribute value. */
async function varietyOfSpans(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const providers = ['feature', 'audit'].map(
    (service) =>
      new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'service.version': '0.1.0', 'host.cpus': 2 }),
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
      }),
  );
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=abc,other=1'),
  });
  for (const provider of providers) {
    for (const scope of ['@claims-mesh/kafka', '@opentelemetry/instrumentation-ioredis']) {
      const tracer = provider.getTracer(scope, '1.2.3');
      const kinds = [SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
      const spans = kinds.map((kind, i) =>
        tracer.startSpan(
          `process claims.submitted.v1 #${i}`,
          {
            kind,
            startTime: [[0, 0], [1_700_000_000, 123_456_789], [4_294_967_295, 999_999_999], [1_795_329_238, 1], [65_536, 0]][i] as [number, number],
            attributes: {
              'messaging.system': 'kafka',
              'messaging.kafka.offset': 1_234_567 * i,
              'big.int': 2 ** 40 + i,
              'negative.int': -i - 1,
              'most.negative': -(2 ** 53),
              ratio: 0.25 + i,
              flag: i % 2 === 0,
              'non.ascii': 'Zürich 東京 ✓ 🚀',
              'long.value': 'x'.repeat(300 + i),
              strings: ['a', 'b', 'ü'],
              numbers: [1, 2.5, -3],
              booleans: [true, false],
            },
            links: i === 0 ? [] : [{ context: { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true }, attributes: { why: 'batch' } }],
          },
          i % 2 ? remoteParent : ROOT_CONTEXT,
        ),
      );
      spans[1].addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'bööm', n: 3 }, [1_700_000_001, 5]);
      spans[1].addEvent('retry');
      spans[1].setStatus({ code: SpanStatusCode.ERROR, message: 'Redis is down' });
      spans[2].setStatus({ code: SpanStatusCode.OK });
      spans[3].addLink({ context: spans[0].spanContext() });
      for (const [i, span] of spans.entries()) span.end([1_795_329_239 + i, 500_000_000]);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 20)); // exports settle on a later tick
  return exporter.getFinishedSpans();
}

describe('OtlpSpanEncoder', () => {
  it('encodes spans into exactly the bytes of the OpenTelemetry SDK serializer', async () => {
    const spans = await varietyOfSpans();
    expect(spans).toHaveLength(20);
    const ours = Buffer.from(new OtlpSpanEncoder().encode(spans));
    const sdk = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
    expect(ours.length).toBeGreaterThan(10_000);
    expect(ours.equals(sdk)).toBe(true);
  });

  it('returns bytes of its own: the next encoding does not change them', async () => {
    const spans = await varietyOfSpans();
    const encoder = new OtlpSpanEncoder();
    const first = encoder.encode(spans.slice(0, 10));
    const copy = Buffer.from(first);
    encoder.encode(spans.slice(10));
    expect(Buffer.from(first).equals(copy)).toBe(true);
  });

  it('encodes a request of thousands of spans (its buffer grows) the same as the SDK', async () => {
    const spans = await varietyOfSpans();
    const many = Array.from({ length: 200 }, () => spans).flat();
    const ours = Buffer.from(new OtlpSpanEncoder().encode(many));
    expect(ours.length).toBeGreaterThan(1 << 20);
    expect(ours.equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(many) as Uint8Array))).toBe(true);
  });

  it('encodes nothing as an empty request', () => {
    expect(new OtlpSpanEncoder().encode([])).toHaveLength(0);
  });
});
