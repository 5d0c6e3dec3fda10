import { Injectable } from '@nestjs/common';
import { RolloutStageSymbols } from '@claims-mesh/contracts';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Routing } from '../rollout/routing';

const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Why a rollout record was rejected: it cannot be decoded or is invalid, or Triton did not serve its versions in time. */
export const REFUSAL_REASONS = ['invalid', 'versions_not_ready'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

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
  readonly routingVersion: Gauge<'family' | 'role'>;
  readonly routingCanaryWeight: Gauge<'family'>;
  readonly routingBand: Gauge<'family' | 'bound'>;
  readonly routingStage: Gauge<'family' | 'stage'>;
  readonly routingRecords: Counter<'outcome' | 'reason'>;

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
    this.routingVersion = new Gauge({
      name: 'gateway_routing_version',
      help: 'Model version the applied routing gives each role (primary, canary, shadow); 0 when the role is unset',
      labelNames: ['family', 'role'],
      registers,
    });
    this.routingCanaryWeight = new Gauge({
      name: 'gateway_routing_canary_weight',
      help: 'Share of the claims the applied routing sends to the canary version, 0..1',
      labelNames: ['family'],
      registers,
    });
    this.routingBand = new Gauge({
      name: 'gateway_routing_uncertain_band',
      help: "Bounds of the applied routing's uncertain band (student probabilities escalated to the teacher)",
      labelNames: ['family', 'bound'],
      registers,
    });
    this.routingStage = new Gauge({
      name: 'gateway_routing_stage',
      help: 'Rollout stage of the applied routing: 1 on its stage, 0 on the others',
      labelNames: ['family', 'stage'],
      registers,
    });
    this.routingRecords = new Counter({
      name: 'gateway_routing_records_total',
      help:
        "Records of the gateway's family read from models.rollout.v1: applied (a tombstone applies the bootstrap routing) or rejected, " +
        'the routing before staying, with a reason: invalid (undecodable or invalid) or versions_not_ready (a version it routes to ' +
        'not ready on every available Triton shard within ROLLOUT_LOAD_WAIT_MS)',
      labelNames: ['outcome', 'reason'],
      registers,
    });
    // Every series from the start, so a rejection shows as a rise from 0 rather than a new series.
    this.routingRecords.inc({ outcome: 'applied' }, 0);
    for (const reason of REFUSAL_REASONS) this.routingRecords.inc({ outcome: 'rejected', reason }, 0);
  }

  /** Shows `routing` as the one applied for `family`. */
  setRouting(family: string, routing: Routing): void {
    this.routingVersion.set({ family, role: 'primary' }, Number(routing.primaryVersion));
    this.routingVersion.set({ family, role: 'canary' }, Number(routing.canary?.version ?? 0));
    this.routingVersion.set({ family, role: 'shadow' }, Number(routing.shadowVersion ?? 0));
    this.routingCanaryWeight.set({ family }, routing.canary?.weight ?? 0);
    this.routingBand.set({ family, bound: 'low' }, routing.band.low);
    this.routingBand.set({ family, bound: 'high' }, routing.band.high);
    for (const stage of RolloutStageSymbols) this.routingStage.set({ family, stage }, stage === routing.stage ? 1 : 0);
  }

  setBreakerState(shard: string, state: keyof typeof BREAKER_STATE_VALUE): void {
    this.breakerState.set({ shard }, BREAKER_STATE_VALUE[state]);
  }
}
