import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { TritonClient, TritonError } from '@claims-mesh/triton';
import type { ExecuteBatch } from '../batching/adaptive-batcher';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ShardRouter } from '../routing/shard-router';

/** How often ejected shards are probed with ServerReady once their cool-down is over. */
const PROBE_INTERVAL_MS = 500;

/** Errors that say the request is wrong wherever it goes; any other means the shard is in trouble. */
function isRequestError(error: unknown): boolean {
  return error instanceof TritonError && error.code === status.INVALID_ARGUMENT;
}

/** The Triton shards behind a router: breakers, failover, and probes that re-admit ejected shards. */
@Injectable()
export class TritonShards implements OnModuleInit, OnApplicationShutdown {
  readonly router: ShardRouter<TritonClient>;
  private readonly logger = new Logger(TritonShards.name);
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(
    config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {
    const addresses = config.TRITON_SHARDS.split(',');
    this.router = new ShardRouter(
      addresses.map((address) => ({ address, client: new TritonClient({ address, timeoutMs: config.TRITON_TIMEOUT_MS }) })),
      {
        failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
        cooldownMs: config.BREAKER_COOLDOWN_MS,
        isRequestError,
        onStateChange: (address, state) => {
          this.logger.warn(`shard ${address} breaker ${state}`);
          this.metrics.setBreakerState(address, state);
        },
      },
    );
    for (const address of addresses) this.metrics.setBreakerState(address, 'closed');
  }

  onModuleInit(): void {
    this.probeTimer = setInterval(() => void this.probeEjected(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.probeTimer);
    for (const shard of this.router.shards) shard.client.close();
  }

  /** Runs one batch of `model`/`version` on the least loaded healthy shard, failing over to the others. */
  executorFor(model: string, version: string, featureCount: number): ExecuteBatch {
    return async (rows, batchSize) => {
      const outcome = await this.router.call(async (client, address) => {
        const started = performance.now();
        const result = await client.infer(model, version, rows, batchSize, featureCount);
        const latencyMs = performance.now() - started;
        this.metrics.tritonRoundTrip.observe({ shard: address }, latencyMs / 1000);
        return { values: result.values, latencyMs };
      });
      for (const shard of outcome.failedOver) this.metrics.failovers.inc({ shard });
      return { values: outcome.value.values, latencyMs: outcome.value.latencyMs, shard: outcome.shard };
    };
  }

  /** An ejected shard comes back by a ServerReady probe, so re-admission does not wait for traffic. */
  private async probeEjected(): Promise<void> {
    for (const shard of this.router.shards) {
      if (!shard.breaker.tryStartProbe()) continue;
      const ready = await shard.client.serverReady().catch(() => false);
      this.router.recordProbe(shard.address, ready);
    }
  }
}
