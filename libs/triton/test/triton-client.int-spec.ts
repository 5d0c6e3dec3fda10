import { status } from '@grpc/grpc-js';
import { fraudModelIo, TritonClient, TritonError } from '@claims-mesh/triton';
import { stack } from '@claims-mesh/testing';
import { sampleRows } from './sample-rows';

const MODELS = ['fraud_teacher', 'fraud_student'];
const VERSIONS = ['1', '2'];
const FEATURES = fraudModelIo().features.length;
const BATCH = 64;

describe.each(stack.tritonShards)('Triton shard %s through the generated stubs', (address) => {
  let triton: TritonClient;

  beforeAll(() => {
    triton = new TritonClient({ address, timeoutMs: 5000 });
  });

  afterAll(() => triton.close());

  it('is live and ready', async () => {
    expect(await triton.serverLive()).toBe(true);
    expect(await triton.serverReady()).toBe(true);
  });

  it.each(MODELS.flatMap((model) => VERSIONS.map((version) => [model, version])))(
    'has %s version %s ready',
    async (model, version) => {
      expect(await triton.modelReady(model, version)).toBe(true);
    },
  );

  it('reports a version it does not serve as not ready', async () => {
    // Not 3: make retrain loads its candidate, version 3, on the shards.
    expect(await triton.modelReady('fraud_student', '999')).toBe(false);
  });

  it.each(MODELS)(
    'describes %s as FP32 features [-1, N] in and FP32 fraud_probability [-1, 1] out',
    async (model) => {
      const metadata = await triton.modelMetadata(model, '1');
      expect(metadata.name).toBe(model);
      expect(metadata.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, FEATURES] }]);
      expect(metadata.outputs).toEqual([{ name: 'fraud_probability', datatype: 'FP32', shape: [-1, 1] }]);
    },
  );

  it.each(MODELS.flatMap((model) => VERSIONS.map((version) => [model, version])))(
    'scores a batch of 64 with %s version %s: one probability in [0, 1] per row',
    async (model, version) => {
      const result = await triton.infer(model, version, sampleRows(BATCH), BATCH, FEATURES);
      expect(result.modelName).toBe(model);
      expect(result.modelVersion).toBe(version);
      expect(result.shape).toEqual([BATCH, 1]);
      expect(result.values).toHaveLength(BATCH);
      for (const p of result.values) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
      // The sample rows run from ordinary to suspicious claims: the scores are not all alike.
      expect(Math.max(...result.values) - Math.min(...result.values)).toBeGreaterThan(0.1);
    },
  );

  it.each(MODELS)('scores differently with %s version 2 than with version 1', async (model) => {
    const rows = sampleRows(BATCH);
    const v1 = await triton.infer(model, '1', rows, BATCH, FEATURES);
    const v2 = await triton.infer(model, '2', rows, BATCH, FEATURES);
    const largestGap = Math.max(...v1.values.map((p, i) => Math.abs(p - v2.values[i])));
    expect(largestGap).toBeGreaterThan(1e-3);
  });

  it('refuses rows of the wrong width with INVALID_ARGUMENT naming the expected shape', async () => {
    const error = await triton
      .infer('fraud_student', '1', sampleRows(4).subarray(0, 4 * 12), 4, 12)
      .catch((e) => e);
    expect(error).toBeInstanceOf(TritonError);
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.message).toMatch(/unexpected shape for input 'features'.*Expected \[-1,13\], got \[4,12\]/);
  });

  it('refuses a batch larger than the max batch size of 256 with INVALID_ARGUMENT', async () => {
    const error = await triton.infer('fraud_student', '1', sampleRows(257), 257, FEATURES).catch((e) => e);
    expect(error).toBeInstanceOf(TritonError);
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/batch-size must be <= 256/);
  });

  it('refuses a model it does not have with NOT_FOUND', async () => {
    const error = await triton.infer('no_such_model', '1', sampleRows(1), 1, FEATURES).catch((e) => e);
    expect(error).toBeInstanceOf(TritonError);
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toMatch(/unknown model: 'no_such_model'/);
  });

  it('gives up at the deadline with DEADLINE_EXCEEDED', async () => {
    const error = await triton.serverReady({ deadline: Date.now() - 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(TritonError);
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
  });
});

describe('Triton shards serve the same models', () => {
  const shards = stack.tritonShards.map((address) => new TritonClient({ address, timeoutMs: 5000 }));

  afterAll(() => shards.forEach((shard) => shard.close()));

  it.each(MODELS.flatMap((model) => VERSIONS.map((version) => [model, version])))(
    '%s version %s gives the same rows the same scores on every shard',
    async (model, version) => {
      const rows = sampleRows(BATCH);
      const [first, ...others] = await Promise.all(
        shards.map((shard) => shard.infer(model, version, rows, BATCH, FEATURES)),
      );
      for (const other of others) {
        other.values.forEach((p, i) => expect(p).toBeCloseTo(first.values[i], 6));
      }
    },
  );
});
