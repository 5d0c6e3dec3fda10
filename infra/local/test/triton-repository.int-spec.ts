import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEAD_PORT, stack, tritonShardPid } from '@claims-mesh/testing';
import {
  fraudModelIo,
  installModelVersion,
  liveRepository,
  removeModelVersion,
  servedVersions,
  TritonClient,
  TritonRepositoryClient,
} from '@claims-mesh/triton';

// A trained version put into service on both shards through the repository API, with no restart,
// then taken out again: version 90 of the student and teacher is a copy of version 2, so it must
// score exactly as version 2 does. The shared repository is left as it was found.

const MODELS = ['fraud_student', 'fraud_teacher'];
const VERSION = '90';
const FEATURES = fraudModelIo().features.length;
const BATCH = 16;

/** Rows from ordinary to suspicious claims. */
function rows(): Float32Array {
  const values = new Float32Array(BATCH * FEATURES);
  for (let i = 0; i < values.length; i++) values[i] = ((i * 7919) % 97) * (i % FEATURES === 0 ? 1000 : 0.1);
  return values;
}

/** Scores with version 1 on every shard over and over until stopped; the calls that failed. */
function keepScoring(clients: TritonClient[]): { stop: () => Promise<{ calls: number; failures: string[] }> } {
  let running = true;
  let calls = 0;
  const failures: string[] = [];
  const loops = clients.map(async (client) => {
    while (running) {
      calls++;
      await client.infer('fraud_student', '1', rows(), BATCH, FEATURES).catch((error: Error) => failures.push(error.message));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { calls, failures };
    },
  };
}

describe('Triton model repository: a version loaded on every shard without a restart', () => {
  const repository = liveRepository();
  const clients = stack.tritonShards.map((address) => new TritonClient({ address, timeoutMs: 5000 }));
  const repositories = stack.tritonShards.map((address) => new TritonRepositoryClient({ address }));
  const pids = stack.tritonShards.map(tritonShardPid);
  const before = MODELS.map((model) => servedVersions(repository, model));
  let candidates: string;

  beforeAll(() => {
    candidates = mkdtempSync(join(tmpdir(), 'candidates-'));
    for (const model of MODELS) cpSync(join(repository, model, '2'), join(candidates, model, VERSION), { recursive: true });
  });

  afterAll(async () => {
    // Whatever happened, the shared repository goes back to what it was.
    if (MODELS.some((model) => servedVersions(repository, model).includes(VERSION))) {
      await removeModelVersion({ repository, models: MODELS, version: VERSION, shards: stack.tritonShards });
    }
    rmSync(candidates, { recursive: true, force: true });
    [...clients, ...repositories].forEach((client) => client.close());
  });

  it('is not served before it is installed', async () => {
    for (const client of clients) for (const model of MODELS) expect(await client.modelReady(model, VERSION)).toBe(false);
  });

  it('installs the student and teacher of one version on both shards, which then score with it as with its source', async () => {
    const scoring = keepScoring(clients);
    const result = await installModelVersion({ candidatesDir: candidates, repository, models: MODELS, version: VERSION, shards: stack.tritonShards });
    const served = await scoring.stop();
    // The versions served before kept serving while each shard loaded the new one.
    expect(served.failures).toEqual([]);
    expect(served.calls).toBeGreaterThan(10);
    expect(result.copied).toEqual({ fraud_student: 'copied', fraud_teacher: 'copied' });
    expect(Object.keys(result.shardMs)).toEqual(stack.tritonShards);

    for (const [i, client] of clients.entries()) {
      const index = await repositories[i].index(true);
      for (const model of MODELS) {
        expect(index).toContainEqual(expect.objectContaining({ name: model, version: VERSION, state: 'READY' }));
        const served = await client.infer(model, VERSION, rows(), BATCH, FEATURES);
        const source = await client.infer(model, '2', rows(), BATCH, FEATURES);
        expect(served.modelVersion).toBe(VERSION);
        expect([...served.values]).toEqual([...source.values]);
      }
    }
    // No shard was restarted: the same processes serve.
    expect(stack.tritonShards.map(tritonShardPid)).toEqual(pids);
    // Nothing half-written is left beside the versions.
    for (const model of MODELS) expect(readdirSync(join(repository, model)).filter((name) => name.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('installs the same version again as a no-op, and refuses other files under a served version number', async () => {
    const again = await installModelVersion({ candidatesDir: candidates, repository, models: MODELS, version: VERSION, shards: stack.tritonShards });
    expect(again.copied).toEqual({ fraud_student: 'present', fraud_teacher: 'present' });
    cpSync(join(repository, 'fraud_student', '1', 'weights.npz'), join(candidates, 'fraud_student', VERSION, 'weights.npz'));
    await expect(
      installModelVersion({ candidatesDir: candidates, repository, models: MODELS, version: VERSION, shards: stack.tritonShards }),
    ).rejects.toThrow(/exists with other files/);
  }, 120_000);

  it('removes the version from both shards and the repository, the other versions serving throughout', async () => {
    const scoring = keepScoring(clients);
    await removeModelVersion({ repository, models: MODELS, version: VERSION, shards: stack.tritonShards });
    expect((await scoring.stop()).failures).toEqual([]);
    for (const client of clients) {
      for (const model of MODELS) {
        expect(await client.modelReady(model, VERSION)).toBe(false);
        for (const version of ['1', '2']) expect((await client.infer(model, version, rows(), BATCH, FEATURES)).modelVersion).toBe(version);
      }
    }
    expect(MODELS.map((model) => servedVersions(repository, model))).toEqual(before);
    for (const model of MODELS) expect(readdirSync(join(repository, model)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(stack.tritonShards.map(tritonShardPid)).toEqual(pids);
  }, 120_000);

  it('fails naming the shard when a shard does not answer within the bound', async () => {
    // A repository of its own: the version stays in it (the shard would load it when back).
    const elsewhere = mkdtempSync(join(tmpdir(), 'repository-'));
    try {
      cpSync(join(repository, 'fraud_student', 'config.pbtxt'), join(elsewhere, 'fraud_student', 'config.pbtxt'));
      const install = installModelVersion({
        candidatesDir: candidates,
        repository: elsewhere,
        models: ['fraud_student'],
        version: VERSION,
        shards: [`127.0.0.1:${DEAD_PORT}`],
        timeoutMs: 1500,
      });
      await expect(install).rejects.toThrow(`shard 127.0.0.1:${DEAD_PORT} did not load fraud_student in time`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 30_000);
});
