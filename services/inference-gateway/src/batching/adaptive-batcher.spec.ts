import { AdaptiveBatcher, type BatchExecution } from './adaptive-batcher';
import { AimdController } from './aimd-controller';

const FEATURES = 2;

/** Scores each row as the sum of its features; resolves when `release` is called. */
function deferredExecutor(latencyMs = 5) {
  const calls: { batchSize: number; release: () => void }[] = [];
  const execute = (rows: Float32Array, batchSize: number) =>
    new Promise<BatchExecution>((resolve) => {
      const values = new Float32Array(batchSize);
      for (let i = 0; i < batchSize; i++) values[i] = rows[i * FEATURES] + rows[i * FEATURES + 1];
      calls.push({ batchSize, release: () => resolve({ values, shard: 's1', latencyMs }) });
    });
  return { calls, execute };
}

const row = (a: number, b = 0) => new Float32Array([a, b]);

describe('AdaptiveBatcher', () => {
  it("answers each request with its own row's value, whatever batch it travelled in", async () => {
    const { calls, execute } = deferredExecutor();
    const batcher = new AdaptiveBatcher(execute, new AimdController({ sloMs: 50, maxBatchSize: 4, initialBatchSize: 4 }), {
      featureCount: FEATURES,
    });
    const scores = batcher.scoreAll([row(1), row(2, 1), row(3), row(4, 4), row(5)]);
    await Promise.resolve();
    calls.forEach((c) => c.release());
    await new Promise((r) => setTimeout(r, 30));
    calls.forEach((c) => c.release());
    expect((await scores).map((s) => s.value)).toEqual([1, 3, 3, 8, 5]);
  });

  it("sends a full batch at once and never more rows than the controller's size", async () => {
    const { calls, execute } = deferredExecutor();
    const batcher = new AdaptiveBatcher(execute, new AimdController({ sloMs: 1000, maxBatchSize: 3, initialBatchSize: 3 }), {
      featureCount: FEATURES,
      maxConcurrentBatches: 10,
    });
    void batcher.scoreAll([1, 2, 3, 4, 5, 6, 7].map((v) => row(v)));
    expect(calls.map((c) => c.batchSize)).toEqual([3, 3]);
    expect(batcher.queued).toBe(1);
  });

  it('works off a backlog oldest first, a full batch at a time', async () => {
    const { calls, execute } = deferredExecutor();
    const batcher = new AdaptiveBatcher(
      execute,
      new AimdController({ sloMs: 1000, maxBatchSize: 3, initialBatchSize: 3, maxFlushDelayMs: 10 }),
      { featureCount: FEATURES, maxConcurrentBatches: 1 },
    );
    const scores = batcher.scoreAll(Array.from({ length: 10 }, (_, i) => row(i)));
    for (let round = 0; round < 3; round++) {
      calls[round].release();
      await new Promise((r) => setTimeout(r, 0));
    }
    await new Promise((r) => setTimeout(r, 25)); // the last, partial batch waits out the flush delay
    expect(calls.map((c) => c.batchSize)).toEqual([3, 3, 3, 1]);
    calls[3].release();
    expect((await scores).map((s) => s.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batcher.queued).toBe(0);
  });

  it('keeps the batch size through slow round trips while a backlog waits, and shrinks it once drained', async () => {
    const { calls, execute } = deferredExecutor(120);
    const controller = new AimdController({ sloMs: 50, maxBatchSize: 4, initialBatchSize: 4 });
    const batcher = new AdaptiveBatcher(execute, controller, { featureCount: FEATURES, maxConcurrentBatches: 1 });
    const scores = batcher.scoreAll(Array.from({ length: 12 }, (_, i) => row(i)));
    const sizesAfterEachBatch: number[] = [];
    for (let round = 0; round < 3; round++) {
      calls[round].release();
      await new Promise((r) => setTimeout(r, 0));
      sizesAfterEachBatch.push(controller.maxBatchSize);
    }
    expect(calls.map((c) => c.batchSize)).toEqual([4, 4, 4]);
    expect(sizesAfterEachBatch).toEqual([4, 4, 2]);
    expect((await scores).map((s) => s.value)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('sends a partial batch once its oldest request has waited the flush delay', async () => {
    const { calls, execute } = deferredExecutor();
    const batcher = new AdaptiveBatcher(
      execute,
      new AimdController({ sloMs: 50, maxBatchSize: 64, initialBatchSize: 64, maxFlushDelayMs: 10 }),
      { featureCount: FEATURES },
    );
    void batcher.scoreAll([row(1), row(2)]);
    expect(calls).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 25));
    expect(calls.map((c) => c.batchSize)).toEqual([2]);
  });

  it('holds requests while the concurrent batches are all out, then sends them together', async () => {
    const { calls, execute } = deferredExecutor();
    const batcher = new AdaptiveBatcher(
      execute,
      new AimdController({ sloMs: 50, maxBatchSize: 64, initialBatchSize: 64, maxFlushDelayMs: 0 }),
      { featureCount: FEATURES, maxConcurrentBatches: 1 },
    );
    void batcher.score(row(1));
    void batcher.scoreAll([row(2), row(3), row(4)]);
    expect(calls.map((c) => c.batchSize)).toEqual([1]);
    calls[0].release();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.map((c) => c.batchSize)).toEqual([1, 3]);
  });

  it('rejects every request of a batch that fails, and keeps serving later ones', async () => {
    let fail = true;
    const execute = (_rows: Float32Array, batchSize: number) =>
      fail ? Promise.reject(new Error('shard down')) : Promise.resolve({ values: new Float32Array(batchSize), shard: 's', latencyMs: 1 });
    const batcher = new AdaptiveBatcher(execute, new AimdController({ sloMs: 50, maxBatchSize: 2, initialBatchSize: 2 }), {
      featureCount: FEATURES,
    });
    await expect(batcher.scoreAll([row(1), row(2)])).rejects.toThrow('shard down');
    fail = false;
    await expect(batcher.score(row(1))).resolves.toMatchObject({ value: 0, batchSize: 1 });
  });

  it('refuses a row with the wrong number of features', async () => {
    const { execute } = deferredExecutor();
    const batcher = new AdaptiveBatcher(execute, new AimdController({ sloMs: 50, maxBatchSize: 2 }), { featureCount: FEATURES });
    await expect(batcher.score(new Float32Array(3))).rejects.toThrow(/needs 2 features, got 3/);
  });
});
