import { Injectable } from '@nestjs/common';
import { fraudModelIo } from '@claims-mesh/triton';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { TritonShards } from '../triton/triton-shards';
import { AdaptiveBatcher } from './adaptive-batcher';
import { AimdController } from './aimd-controller';

/**
 * One adaptive batcher per model version and lane, shared by all partitions. The shadow lane
 * has batchers of its own, so shadow requests never queue ahead of the main path's.
 */
@Injectable()
export class Batchers {
  private readonly batchers = new Map<string, AdaptiveBatcher>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly shards: TritonShards,
    private readonly metrics: GatewayMetrics,
  ) {}

  of(model: string, version: string, lane: 'main' | 'shadow' = 'main'): AdaptiveBatcher {
    const key = `${lane}/${model}:${version}`;
    let batcher = this.batchers.get(key);
    if (!batcher) {
      batcher = this.create(model, version);
      this.batchers.set(key, batcher);
    }
    return batcher;
  }

  private create(model: string, version: string): AdaptiveBatcher {
    return this.build(model, version, new AimdController({ sloMs: this.config.LATENCY_SLO_MS, maxBatchSize: this.config.MAX_BATCH_SIZE }));
  }

  /** A batcher wired as the service's are (shard executor, metrics), steered by `controller`; not kept. */
  build(model: string, version: string, controller: AimdController): AdaptiveBatcher {
    const featureCount = fraudModelIo().features.length;
    const labels = { model, version };
    return new AdaptiveBatcher(this.shards.executorFor(model, version, featureCount), controller, {
      featureCount,
      maxConcurrentBatches: this.config.MAX_CONCURRENT_BATCHES,
      onBatch: ({ batchSize, queueDelaysMs }) => {
        this.metrics.batchSize.observe(labels, batchSize);
        this.metrics.batchSizeLimit.set(labels, controller.maxBatchSize);
        for (const delayMs of queueDelaysMs) this.metrics.queueDelay.observe(labels, delayMs / 1000);
      },
    });
  }
}
