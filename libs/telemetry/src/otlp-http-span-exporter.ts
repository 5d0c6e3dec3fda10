import { diag } from '@opentelemetry/api';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import http from 'node:http';
import https from 'node:https';
import { OtlpSpanEncoder } from './otlp-span-encoder';

/** Statuses OTLP/HTTP says to retry after a while. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const MAX_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 1_000;

export interface OtlpHttpSpanExporterOptions {
  /** The traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  url: string;
  /** Extra request headers (OTEL_EXPORTER_OTLP_HEADERS, e.g. an auth token for a collector). */
  headers?: Record<string, string>;
  /** How long one export may take, retries included. */
  timeoutMs?: number;
}

/**
 * Sends spans to an OTLP/HTTP receiver as protobuf, encoded by OtlpSpanEncoder (the SDK's
 * OTLP exporter cannot take another serializer through its public API). Keeps connections
 * open between exports; retries what OTLP/HTTP calls retryable (429, 502-504, a lost
 * connection) with growing pauses until the export's time is up, then reports it failed and
 * the batch span processor drops it: tracing never holds back the claims.
 */
export class OtlpHttpSpanExporter implements SpanExporter {
  private readonly encoder = new OtlpSpanEncoder();
  private readonly url: URL;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: OtlpHttpSpanExporterOptions) {
    this.url = new URL(options.url);
    this.transport = this.url.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) return resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter shut down') });
    const body = this.encoder.encode(spans);
    const sent = this.send(body, Date.now() + (this.options.timeoutMs ?? 10_000)).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
    this.agent.destroy();
  }

  private async send(body: Uint8Array, deadline: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.post(body, deadline - Date.now());
      if (outcome.ok) return;
      const pause = FIRST_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      if (!outcome.retryable || attempt >= MAX_ATTEMPTS || Date.now() + pause >= deadline) throw outcome.error;
      diag.debug(`OTLP span export: ${outcome.error.message}; retrying in ${Math.round(pause)} ms`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  private post(body: Uint8Array, timeoutMs: number): Promise<{ ok: true } | { ok: false; retryable: boolean; error: Error }> {
    return new Promise((resolve) => {
      const request = this.transport.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: Math.max(1, timeoutMs),
          headers: {
            ...this.options.headers,
            'content-type': 'application/x-protobuf',
            'content-length': body.length,
          },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            if (status >= 200 && status < 300) return resolve({ ok: true });
            const detail = Buffer.concat(chunks).toString('utf8').slice(0, 200);
            resolve({ ok: false, retryable: RETRYABLE_STATUS.has(status), error: new Error(`OTLP receiver answered ${status}: ${detail}`) });
          });
          response.on('error', (error) => resolve({ ok: false, retryable: true, error }));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`OTLP export timed out after ${timeoutMs} ms`)));
      request.on('error', (error) => resolve({ ok: false, retryable: true, error }));
      request.end(body);
    });
  }
}
