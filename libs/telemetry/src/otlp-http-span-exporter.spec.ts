import { ExportResult, ExportResultCode, parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { OtlpHttpSpanExporter } from './otlp-http-span-exporter';
import { OtlpSpanEncoder } from './otlp-span-encoder';

interface Received {
  status: number;
  contentType?: string;
  authorization?: string;
  body: Buffer;
}

/** An HTTP server answering each POST with the next of `statuses` (the last one repeats), keeping what it got. */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = statuses[Math.min(received.length, statuses.length - 1)];
      received.push({ status, contentType: req.headers['content-type'], authorization: req.headers.authorization, body: Buffer.concat(chunks) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function someSpans(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('test');
  tracer.startSpan('one').end();
  tracer.startSpan('two').end();
  await new Promise((resolve) => setTimeout(resolve, 20));
  return exporter.getFinishedSpans();
}

function exportWith(exporter: OtlpHttpSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('OtlpHttpSpanExporter (against a local HTTP server)', () => {
  it('posts the encoded spans as protobuf with the configured headers', async () => {
    const server = await receiver([200]);
    const exporter = new OtlpHttpSpanExporter({ url: server.url, headers: { authorization: 'Bearer t0ken' } });
    try {
      const spans = await someSpans();
      expect((await exportWith(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
      expect(server.received).toHaveLength(1);
      expect(server.received[0]).toEqual(
        expect.objectContaining({ contentType: 'application/x-protobuf', authorization: 'Bearer t0ken' }),
      );
      expect(server.received[0].body.equals(Buffer.from(new OtlpSpanEncoder().encode(spans)))).toBe(true);
    } finally {
      await exporter.shutdown();
      await server.close();
    }
  });

  it('retries an export the receiver answered 503, and succeeds when it takes it', async () => {
    const server = await receiver([503, 200]);
    const exporter = new OtlpHttpSpanExporter({ url: server.url });
    try {
      expect((await exportWith(exporter, await someSpans())).code).toBe(ExportResultCode.SUCCESS);
      expect(server.received.map((r) => r.status)).toEqual([503, 200]);
    } finally {
      await exporter.shutdown();
      await server.close();
    }
  });

  it('reports a refused export (400) as failed without retrying it', async () => {
    const server = await receiver([400]);
    const exporter = new OtlpHttpSpanExporter({ url: server.url });
    try {
      const result = await exportWith(exporter, await someSpans());
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error?.message).toContain('400');
      expect(server.received).toHaveLength(1);
    } finally {
      await exporter.shutdown();
      await server.close();
    }
  });

  it('gives up when the export time is up while the receiver keeps failing', async () => {
    const server = await receiver([503]);
    const exporter = new OtlpHttpSpanExporter({ url: server.url, timeoutMs: 1_500 });
    try {
      const result = await exportWith(exporter, await someSpans());
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(server.received.length).toBeGreaterThanOrEqual(1);
      expect(server.received.length).toBeLessThanOrEqual(2);
    } finally {
      await exporter.shutdown();
      await server.close();
    }
  });
});

describe('OTEL_EXPORTER_OTLP_HEADERS, as start-telemetry reads it (parseKeyPairsIntoRecord)', () => {
  it('reads comma-separated key=value pairs with URL-encoded values', () => {
    expect(parseKeyPairsIntoRecord('authorization=Bearer%20abc, x-tenant = claims ,broken,=nokey')).toEqual({
      authorization: 'Bearer abc',
      'x-tenant': 'claims',
    });
    expect(parseKeyPairsIntoRecord(undefined)).toEqual({});
  });
});
