import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { OtlpHttpSpanExporter } from './otlp-http-span-exporter';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  env?: NodeJS.ProcessEnv;
}

let sdk: NodeSDK | undefined;

/**
 * Starts tracing for a service. Must run before NestJS, express, grpc-js or ioredis are
 * loaded so their instrumentations can patch them: each service's main.ts imports its
 * tracing file first. Spans go over OTLP/HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT (the
 * stack's Jaeger by default), with OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_TIMEOUT
 * (ms) if set. OTEL_SDK_DISABLED=true turns it off.
 *
 * Kafka spans come from the mesh's own transport (libs/kafka, on @confluentinc/kafka-javascript),
 * which follows the messaging conventions and links batch work. The generic kafkajs
 * instrumentation stays off: the mesh has no kafkajs client for it to patch.
 */
export function startTelemetry({
  serviceName,
  serviceVersion = '0.1.0',
  env = process.env,
}: TelemetryOptions): void {
  if (sdk || env.OTEL_SDK_DISABLED === 'true') return;
  const endpoint = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318').replace(/\/$/, '');
  sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      [ATTR_SERVICE_VERSION]: serviceVersion,
      'deployment.environment.name': env.DEPLOYMENT_ENV ?? 'local',
    }),
    spanProcessors: [
      // The SDK's defaults (2,048 queued, 512 per export, every 5 s) drop spans once a service
      // handles a few thousand claims a second; a bigger queue exported in bigger, more
      // frequent batches keeps every claim's trace whole. OTEL_BSP_* still override these.
      new BatchSpanProcessor({
        exporter: new OtlpHttpSpanExporter({
          url: `${endpoint}/v1/traces`,
          // The SDK's own parser of this variable: comma-separated key=value, values URL-encoded.
          headers: parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS),
          timeoutMs: numberFrom(env.OTEL_EXPORTER_OTLP_TIMEOUT, 10_000),
        }),
        maxQueueSize: numberFrom(env.OTEL_BSP_MAX_QUEUE_SIZE, 65_536),
        maxExportBatchSize: numberFrom(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 4_096),
        scheduledDelayMillis: numberFrom(env.OTEL_BSP_SCHEDULE_DELAY, 1_000),
      }),
    ],
    instrumentations: [
      getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-kafkajs': { enabled: false },
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        // One span per route handler is enough; a span per express middleware is noise.
        '@opentelemetry/instrumentation-express': {
          ignoreLayersType: ['middleware' as never, 'request_handler' as never],
        },
        // The default statement keeps every argument of EVAL/EVALSHA, and the mesh's scripts take
        // claims' personal data (audit's lineage) as arguments: that reached Jaeger. A span names
        // the command only.
        '@opentelemetry/instrumentation-ioredis': { dbStatementSerializer: (command: string) => command },
        '@opentelemetry/instrumentation-http': {
          // Probes and scrapes would bury the claims' traces.
          ignoreIncomingRequestHook: (req) => /^\/(health|metrics)/.test(req.url ?? ''),
        },
      }),
    ],
  });
  sdk.start();
  const shutdown = () => void sdk?.shutdown().catch(() => undefined);
  process.once('beforeExit', shutdown);
}

function numberFrom(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/** Flushes buffered spans; services call it on shutdown so the last claims' spans are not lost. */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}
