import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** The gateway's own series; the transport and process ones come from the platform. */
@Injectable()
export class GatewayMetrics {
  readonly batchSize: Histogram<'model' | 'version'>;
  readonly batchSizeLimit: Gauge<'model' | 'version'>;
  readonly queueDelay: Histogram<'model' | 'version'>;
  readonly tritonRoundTrip: Histogram<'shard'>;
  readonly routeCalls: Counter<'route'>;
  readonly breakerState: Gauge<'shard'>;
  readonly failovers: Counter<'shard'>;
  readonly confidence: Histogram<'model' | 'version'>;
  readonly shadowDropped: Counter;
  readonly shadowFailed: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.batchSize = new Histogram({
      name: 'gateway_batch_size',
      help: 'Rows per Triton batch',
      labelNames: ['model', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
    this.batchSizeLimit = new Gauge({
      name: 'gateway_batch_size_limit',
      help: 'Current AIMD maximum batch size',
      labelNames: ['model', 'version'],
      registers,
    });
    this.queueDelay = new Histogram({
      name: 'gateway_queue_delay_seconds',
      help: 'Time a claim waited for its batch to leave',
      labelNames: ['model', 'version'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25],
      registers,
    });
    this.tritonRoundTrip = new Histogram({
      name: 'gateway_triton_round_trip_seconds',
      help: 'Triton ModelInfer round trip per shard',
      labelNames: ['shard'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.routeCalls = new Counter({ name: 'gateway_route_calls_total', help: 'Claims scored per route', labelNames: ['route'], registers });
    this.breakerState = new Gauge({
      name: 'gateway_breaker_state',
      help: 'Circuit breaker per shard: 0 closed, 1 half-open, 2 open',
      labelNames: ['shard'],
      registers,
    });
    this.failovers = new Counter({
      name: 'gateway_shard_failures_total',
      help: 'Triton calls that failed on a shard and were retried on another',
      labelNames: ['shard'],
      registers,
    });
    this.confidence = new Histogram({
      name: 'gateway_model_confidence',
      help: 'Confidence |p-0.5|*2 of the final score per model version',
      labelNames: ['model', 'version'],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    });
    this.shadowDropped = new Counter({ name: 'gateway_shadow_dropped_total', help: 'Shadow copies dropped because the shadow queue was full', registers });
    this.shadowFailed = new Counter({ name: 'gateway_shadow_failed_total', help: 'Shadow copies whose scoring or publishing failed', registers });
  }

  setBreakerState(shard: string, state: keyof typeof BREAKER_STATE_VALUE): void {
    this.breakerState.set({ shard }, BREAKER_STATE_VALUE[state]);
  }
}
