import { randomBytes } from 'node:crypto';
import { stack, waitFor } from '@claims-mesh/testing';

interface JaegerTrace {
  traceID: string;
  spans: { spanID: string; operationName: string; tags: { key: string; value: unknown }[] }[];
}

describe('Jaeger of the local stack', () => {
  it('returns from its query API a span sent over OTLP/HTTP', async () => {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'it-stack-probe' } }] },
          scopeSpans: [
            {
              scope: { name: 'it-stack' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'probe-operation',
                  kind: 1,
                  startTimeUnixNano: String(nowNs),
                  endTimeUnixNano: String(nowNs + 5_000_000n),
                  attributes: [{ key: 'claim.id', value: { stringValue: `claim-${traceId}` } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const sent = await fetch(`${stack.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(sent.status).toBe(200);

    const trace = await waitFor('the trace in Jaeger', async () => {
      const res = await fetch(`${stack.jaegerQueryUrl}/api/traces/${traceId}`);
      if (res.status !== 200) return undefined;
      const { data } = (await res.json()) as { data: JaegerTrace[] };
      return data[0];
    });
    expect(trace.traceID).toBe(traceId);
    expect(trace.spans.map((s) => [s.spanID, s.operationName])).toEqual([[spanId, 'probe-operation']]);
    expect(trace.spans[0].tags).toContainEqual(expect.objectContaining({ key: 'claim.id', value: `claim-${traceId}` }));
  });
});
