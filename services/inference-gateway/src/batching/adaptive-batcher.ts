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
  private queue: Waiting[] = [];
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
    return this.queue.length;
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
    while (this.inFlight < this.maxConcurrent && this.queue.length > 0) {
      const size = this.controller.maxBatchSize;
      const waitedMs = this.now() - this.queue[0].enqueuedAt;
      const delayMs = this.controller.flushDelayMs;
      if (this.queue.length < size && waitedMs < delayMs) {
        this.armTimer(delayMs - waitedMs);
        return;
      }
      void this.send(this.queue.splice(0, size));
    }
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
      this.controller.observe(latencyMs, batch.length);
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
