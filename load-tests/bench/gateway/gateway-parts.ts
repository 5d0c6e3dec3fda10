import {
  AdaptiveBatcher,
  AimdController,
  Batchers,
  bootstrapRollout,
  Cascade,
  ClaimScorer,
  GatewayConfig,
  GatewayMetrics,
  Routing,
  routingOf,
  TritonShards,
} from '@claims-mesh/inference-gateway';
import { fraudModelIo } from '@claims-mesh/triton';
import { Registry } from 'prom-client';
import { ScoreClaim } from './offered-load';

/**
 * The gateway's own parts as the service wires them (shard router with breakers and failover,
 * Triton executors, AIMD batchers, cascade scorer), built fresh for one variant so that no
 * breaker, channel or AIMD state carries over from the one before. Every variant scores with
 * the student at MODEL_VERSION, the model every claim goes through.
 */
export class GatewayParts {
  readonly metrics = new GatewayMetrics(new Registry());
  readonly shards: TritonShards;
  readonly batchers: Batchers;
  private readonly featureCount = fraudModelIo().features.length;

  constructor(readonly config: GatewayConfig) {
    this.shards = new TritonShards(config, this.metrics);
    this.shards.onModuleInit();
    this.batchers = new Batchers(config, this.shards, this.metrics);
  }

  /** Each claim its own Triton call of batch size 1, through the gateway's router. */
  unbatched(model = this.config.STUDENT_MODEL): ScoreClaim {
    const execute = this.shards.executorFor(model, this.config.MODEL_VERSION, this.featureCount);
    return async (row) => (await execute(row, 1)).values[0];
  }

  /** `batchSize` rows per Triton call through the router, for scoring a whole set (no per-claim latency). */
  async scoreAll(model: string, rows: Float32Array[], batchSize: number): Promise<Float32Array> {
    const execute = this.shards.executorFor(model, this.config.MODEL_VERSION, this.featureCount);
    const scores = new Float32Array(rows.length);
    for (let start = 0; start < rows.length; start += batchSize) {
      const chunk = rows.slice(start, start + batchSize);
      const packed = new Float32Array(chunk.length * this.featureCount);
      chunk.forEach((row, i) => packed.set(row, i * this.featureCount));
      scores.set((await execute(packed, chunk.length)).values, start);
    }
    return scores;
  }

  /**
   * The gateway's batcher with its AIMD pinned at `batchSize` (no increase, no decrease): a
   * static batch size with the same queueing, flush delay, batches in flight and metrics as (d).
   */
  staticBatches(batchSize: number): ScoreClaim {
    const controller = new AimdController({
      sloMs: this.config.LATENCY_SLO_MS,
      maxBatchSize: batchSize,
      initialBatchSize: batchSize,
      additiveStep: 0,
      decreaseFactor: 1,
    });
    const batcher = this.batchers.build(this.config.STUDENT_MODEL, this.config.MODEL_VERSION, controller);
    return (row) => batcher.score(row);
  }

  /** The student's batcher exactly as the service makes it (Batchers: AIMD against LATENCY_SLO_MS). */
  adaptive(): { score: ScoreClaim; batcher: AdaptiveBatcher } {
    const batcher = this.batchers.of(this.config.STUDENT_MODEL, this.config.MODEL_VERSION);
    return { score: (row) => batcher.score(row), batcher };
  }

  /** The service's cascade (student, then the teacher for the uncertain band) on these parts. */
  claimScorer(): ClaimScorer {
    return new ClaimScorer(new Cascade(this.config, this.batchers), this.metrics);
  }

  /** The routing the service starts with on this config (no rollout record read). */
  routing(): Routing {
    return routingOf(bootstrapRollout(this.config));
  }

  /** Connects every shard's channel (a ServerReady call), so a variant's first claims do not wait for it. */
  async connect(): Promise<void> {
    await Promise.all(this.shards.router.shards.map((shard) => shard.client.serverReady()));
  }

  /** Mean rows per Triton batch formed by the batchers so far. */
  async meanBatchSize(): Promise<number> {
    const { values } = await this.metrics.batchSize.get();
    const total = (suffix: string) =>
      values.filter((v) => v.metricName?.endsWith(suffix)).reduce((sum, v) => sum + v.value, 0);
    const count = total('_count');
    return count ? total('_sum') / count : NaN;
  }

  close(): void {
    this.shards.onApplicationShutdown();
  }
}
