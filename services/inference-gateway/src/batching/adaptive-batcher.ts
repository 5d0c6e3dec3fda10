import { AimdController } from './aimd-controller';

/** What the executor of one batch reports back. */
export interface BatchExecution {
  /** One value per row, in row order. */
  values: Float32Array;
  shard: string;
  latencyMs: number;
}

/** Scores `batchSize` rows laid out row-major in `rows`. */
export type ExecuteBatch = (rows: Float32Array, batchSize: number) => Promise<BatchExecution>;

/** The score of one row and how it was obtained. */
export interface BatchedScore {
  value: number;
  batchSize: number;
  shard: string;
  tritonLatencyMs: number;
  /** Time the row waited in the queue before its batch was sent. */
  queueDelayMs: number;
}

export interface BatchReport {
  batchSize: number;
  shard: string;
  latencyMs: number;
  queueDelaysMs: number[];
}

export interface AdaptiveBatcherOptions {
  featureCount: number;
  /** Batches out at once; while all are out, requests queue up and form bigger batches. Default 4. */
  maxConcurrentBatches?: number;
  onBatch?: (report: BatchReport) => void;
  now?: () => number;
}

interface Waiting {
  row: Float32Array;
  enqueuedAt: number;
  resolve: (score: BatchedScore) => void;
  reject: (error: Error) => void;
}

/**
 * Gathers single-row requests, from any number of callers, into batches for one model
 * version. A batch leaves when it reaches the controller's size, or when its oldest request
 * has waited the controller's flush delay; each batch's latency feeds the controller back.
 */
export class AdaptiveBatcher {
  /** Waiting requests from `head` on, oldest first; batches are taken by moving `head`, not by shifting the array. */
  private queue: Waiting[] = [];
  private head = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly maxConcurrent: number;
  private readonly now: () => number;

  constructor(
    private readonly execute: ExecuteBatch,
    readonly controller: AimdController,
    private readonly options: AdaptiveBatcherOptions,
  ) {
    this.maxConcurrent = options.maxConcurrentBatches ?? 4;
    this.now = options.now ?? performance.now.bind(performance);
  }

  /** Requests waiting for a batch. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  score(row: Float32Array): Promise<BatchedScore> {
    if (row.length !== this.options.featureCount)
      return Promise.reject(new RangeError(`a row needs ${this.options.featureCount} features, got ${row.length}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ row, enqueuedAt: this.now(), resolve, reject });
      this.pump();
    });
  }

  scoreAll(rows: Float32Array[]): Promise<BatchedScore[]> {
    return Promise.all(rows.map((row) => this.score(row)));
  }

  private pump(): void {
    while (this.inFlight < this.maxConcurrent && this.queued > 0) {
      const size = this.controller.maxBatchSize;
      const waitedMs = this.now() - this.queue[this.head].enqueuedAt;
      const delayMs = this.controller.flushDelayMs;
      if (this.queued < size && waitedMs < delayMs) {
        this.armTimer(delayMs - waitedMs);
        return;
      }
      void this.send(this.take(size));
    }
  }

  /**
   * The oldest `size` requests. Taking them costs the batch, not the backlog: splicing the
   * front of a long queue would copy all of it for every batch, and a backlog would then slow
   * the batcher down just when it most needs to catch up. The array is compacted once the
   * taken part is the larger half.
   */
  private take(size: number): Waiting[] {
    const batch = this.queue.slice(this.head, this.head + size);
    this.head += batch.length;
    if (this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  private armTimer(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(0, Math.ceil(ms)));
  }

  private async send(batch: Waiting[]): Promise<void> {
    this.inFlight++;
    const featureCount = this.options.featureCount;
    const rows = new Float32Array(batch.length * featureCount);
    batch.forEach((waiting, i) => rows.set(waiting.row, i * featureCount));
    const sentAt = this.now();
    const queueDelaysMs = batch.map((waiting) => sentAt - waiting.enqueuedAt);
    try {
      const { values, shard, latencyMs } = await this.execute(rows, batch.length);
      this.controller.observe(latencyMs, batch.length, this.queued >= this.controller.maxBatchSize);
      this.options.onBatch?.({ batchSize: batch.length, shard, latencyMs, queueDelaysMs });
      batch.forEach((waiting, i) =>
        waiting.resolve({ value: values[i], batchSize: batch.length, shard, tritonLatencyMs: latencyMs, queueDelayMs: queueDelaysMs[i] }),
      );
    } catch (error) {
      batch.forEach((waiting) => waiting.reject(error as Error));
    } finally {
      this.inFlight--;
      this.pump();
    }
  }
}
