import { AimdController } from './aimd-controller';

describe('AimdController', () => {
  it('doubles the batch size after each full batch under the SLO until the first one over it', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 256, initialBatchSize: 8, additiveStep: 4 });
    aimd.observe(10, 8);
    expect(aimd.maxBatchSize).toBe(16);
    aimd.observe(10, 16);
    expect(aimd.maxBatchSize).toBe(32);
  });

  it('grows by the additive step once a batch has been over the SLO', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 256, initialBatchSize: 64, additiveStep: 4 });
    aimd.observe(80, 64);
    expect(aimd.maxBatchSize).toBe(32);
    aimd.observe(10, 32);
    expect(aimd.maxBatchSize).toBe(36);
    aimd.observe(10, 36);
    expect(aimd.maxBatchSize).toBe(40);
  });

  it('does not grow after a partial batch: it says nothing about whether a larger one fits', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 256, initialBatchSize: 8 });
    aimd.observe(10, 3);
    expect(aimd.maxBatchSize).toBe(8);
  });

  it('halves the batch size after a batch over the SLO', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 256, initialBatchSize: 64 });
    aimd.observe(80, 64);
    expect(aimd.maxBatchSize).toBe(32);
  });

  it('halves once for a slow spell: the other batches of the old size, already out, do not halve it again', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 256, initialBatchSize: 64 });
    for (let i = 0; i < 4; i++) aimd.observe(80, 64);
    expect(aimd.maxBatchSize).toBe(32);
    aimd.observe(80, 32);
    expect(aimd.maxBatchSize).toBe(16);
  });

  it('holds the size after a slow batch while a backlog waits, and halves again once it is gone', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 256, initialBatchSize: 128 });
    for (let i = 0; i < 4; i++) aimd.observe(120, 128, true);
    expect(aimd.maxBatchSize).toBe(128);
    aimd.observe(120, 128, false);
    expect(aimd.maxBatchSize).toBe(64);
  });

  it('never shrinks below one request', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 256, initialBatchSize: 1 });
    aimd.observe(500, 1);
    expect(aimd.maxBatchSize).toBe(1);
  });

  it("never grows above the model's max_batch_size", () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 20, initialBatchSize: 8, additiveStep: 8 });
    for (let i = 0; i < 10; i++) aimd.observe(5, aimd.maxBatchSize);
    expect(aimd.maxBatchSize).toBe(20);
  });

  it('settles around the size whose latency meets the SLO (latency linear in batch size)', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 1024, initialBatchSize: 8 });
    const latencyOf = (size: number) => 2 + size * 0.25; // meets 50 ms up to 192 rows
    const sizes: number[] = [];
    for (let i = 0; i < 500; i++) {
      const size = aimd.maxBatchSize;
      aimd.observe(latencyOf(size), size);
      sizes.push(size);
    }
    const late = sizes.slice(-100);
    expect(Math.max(...late)).toBeLessThanOrEqual(196);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(96);
  });

  it('shortens the flush delay as the measured latency approaches the SLO', () => {
    const aimd = new AimdController({ sloMs: 50, maxBatchSize: 256, maxFlushDelayMs: 10 });
    expect(aimd.flushDelayMs).toBe(10);
    for (let i = 0; i < 30; i++) aimd.observe(25, 1);
    expect(aimd.flushDelayMs).toBeCloseTo(5, 1);
    for (let i = 0; i < 30; i++) aimd.observe(60, 1);
    expect(aimd.flushDelayMs).toBe(0);
  });

  it('refuses a non-positive SLO or max batch size', () => {
    expect(() => new AimdController({ sloMs: 0, maxBatchSize: 8 })).toThrow(/sloMs/);
    expect(() => new AimdController({ sloMs: 50, maxBatchSize: 0 })).toThrow(/maxBatchSize/);
  });
});
