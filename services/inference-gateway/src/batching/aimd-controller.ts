export interface AimdOptions {
  /** Target for the Triton round trip of one batch (the p99 the gateway promises). */
  sloMs: number;
  /** The model's max_batch_size: never exceeded. */
  maxBatchSize: number;
  /** Where the batch size starts. Default 8 (or maxBatchSize if smaller). */
  initialBatchSize?: number;
  /** Added to the batch size after each batch under the SLO. Default 4. */
  additiveStep?: number;
  /** Factor the batch size is multiplied by after a batch over the SLO. Default 0.5. */
  decreaseFactor?: number;
  /** Longest a request waits for its batch to fill. Default sloMs / 5. */
  maxFlushDelayMs?: number;
}

/**
 * Additive-increase / multiplicative-decrease of the batch size against a latency SLO, as
 * Clipper does: while batches come back under the SLO the size grows by a step (throughput
 * grows with batch size), and one batch over it halves the size (latency grows with it too).
 * Until the first batch over the SLO it doubles instead, as TCP's slow start does: from the
 * initial size, steps of 4 took 60 full batches to reach 256, while a service's first fetch
 * or a jump in load queued thousands of requests behind them. The flush delay is the share of the SLO the last batches left unused, so a request waits
 * for company only while there is room for it.
 */
export class AimdController {
  private size: number;
  /** Doubling until the first batch over the SLO shows where the limit lies. */
  private slowStart = true;
  private smoothedLatencyMs = 0;
  private readonly step: number;
  private readonly factor: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: AimdOptions) {
    if (options.sloMs <= 0) throw new RangeError(`sloMs must be positive, got ${options.sloMs}`);
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1)
      throw new RangeError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    this.size = Math.min(options.initialBatchSize ?? 8, options.maxBatchSize);
    this.step = options.additiveStep ?? 4;
    this.factor = options.decreaseFactor ?? 0.5;
    this.maxDelayMs = options.maxFlushDelayMs ?? options.sloMs / 5;
  }

  /** Most requests the next batch may hold. */
  get maxBatchSize(): number {
    return this.size;
  }

  /** How long a partial batch waits for more requests before it is sent anyway. */
  get flushDelayMs(): number {
    const headroom = 1 - this.smoothedLatencyMs / this.options.sloMs;
    return Math.max(0, Math.min(this.maxDelayMs, this.maxDelayMs * headroom));
  }

  /**
   * Feeds back the round trip of a batch of `batchSize` requests. `backlogged`: when it came
   * back, a full batch or more was already waiting, so the next batches leave full whatever
   * the size and throughput is what brings the waiting requests' latency back.
   */
  observe(latencyMs: number, batchSize: number, backlogged = false): void {
    this.smoothedLatencyMs = this.smoothedLatencyMs === 0 ? latencyMs : 0.8 * this.smoothedLatencyMs + 0.2 * latencyMs;
    if (latencyMs > this.options.sloMs) {
      // Behind a backlog a slow round trip says the shards or this process fell behind, not
      // that batches are too big: halving the size would halve what each round trip drains
      // and turn a short stall into seconds of queueing. The size is held until the backlog is gone.
      if (backlogged) return;
      // A batch larger than the current limit left before the last decrease, which already
      // answered for it: one slow spell among the batches in flight decreases the size once.
      if (batchSize <= this.size) this.size = Math.max(1, Math.floor(this.size * this.factor));
      this.slowStart = false;
    } else if (batchSize >= this.size) {
      // Only a full batch proves the current size is affordable; a partial one says nothing about a bigger one.
      const grown = this.slowStart ? this.size * 2 : this.size + this.step;
      this.size = Math.min(this.options.maxBatchSize, grown);
    }
  }
}
