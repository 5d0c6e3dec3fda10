import { modelRollout, type ModelRollout } from '@claims-mesh/contracts';
import { ShardRouter } from '../routing/shard-router';
import { LoadedVersions, type ReadinessClient } from './loaded-versions';
import { routingOf } from './routing';
import { routingModels, routingVersions, verdictOf, waitUntilLoaded, type LoadVerdict } from './routing-versions';

function routing(overrides: Partial<ModelRollout> = {}) {
  return routingOf({
    ...modelRollout({
      family: 'fraud',
      primaryVersion: '1',
      canary: null,
      shadowVersion: null,
      uncertainLow: 0.3,
      uncertainHigh: 0.7,
      stage: 'PRIMARY',
      candidateVersion: null,
      reason: 'test',
      decidedBy: 'test',
    }),
    ...overrides,
  });
}

describe('the versions a routing scores with', () => {
  it('are the primary, the canary while it has a share, and the shadow, each once', () => {
    expect(routingVersions(routing())).toEqual(['1']);
    expect(routingVersions(routing({ canary: { version: '3', weight: 0.1 }, shadowVersion: '4' }))).toEqual(['1', '3', '4']);
    expect(routingVersions(routing({ canary: { version: '3', weight: 0 }, shadowVersion: '1' }))).toEqual(['1']);
  });

  it('name the student and the teacher of each version', () => {
    expect(routingModels(routing({ shadowVersion: '3' }), 'fraud_student', 'fraud_teacher')).toEqual([
      { name: 'fraud_student', version: '1' },
      { name: 'fraud_teacher', version: '1' },
      { name: 'fraud_student', version: '3' },
      { name: 'fraud_teacher', version: '3' },
    ]);
  });
});

describe('verdictOf', () => {
  it('is ready when every shard asked has every version ready', () => {
    expect(verdictOf([{ address: 'a:1', missing: [] }, { address: 'b:1', missing: [] }])).toEqual({ ready: true });
  });

  it('is not ready, naming the shard and the versions, when one shard lacks a version or does not answer', () => {
    expect(verdictOf([{ address: 'a:1', missing: [] }, { address: 'b:1', missing: [{ name: 'fraud_student', version: '3' }] }])).toEqual({
      ready: false,
      problem: 'fraud_student:3 not ready on b:1',
    });
    expect(verdictOf([{ address: 'a:1', error: 'UNAVAILABLE' }])).toEqual({ ready: false, problem: 'a:1 did not answer (UNAVAILABLE)' });
  });

  it('is not ready when no shard is available to ask', () => {
    expect(verdictOf([])).toEqual({ ready: false, problem: 'no Triton shard is available' });
  });
});

describe('waitUntilLoaded', () => {
  const notReady: LoadVerdict = { ready: false, problem: 'fraud_student:3 not ready on a:1' };

  it('returns at once when the first answer is ready, without calling onWaiting', async () => {
    const onWaiting = jest.fn();
    expect(await waitUntilLoaded(async () => ({ ready: true }), { waitMs: 1000, intervalMs: 10, onWaiting })).toEqual({ ready: true });
    expect(onWaiting).not.toHaveBeenCalled();
  });

  it('asks again until the versions are ready, telling once that it waits', async () => {
    const answers = [notReady, notReady, { ready: true }];
    const check = jest.fn(async () => answers.shift()!);
    const onWaiting = jest.fn();
    expect(await waitUntilLoaded(check, { waitMs: 5000, intervalMs: 5, onWaiting })).toEqual({ ready: true });
    expect(check).toHaveBeenCalledTimes(3);
    expect(onWaiting).toHaveBeenCalledTimes(1);
    expect(onWaiting).toHaveBeenCalledWith(notReady);
  });

  it('gives up with the last answer once waitMs has passed', async () => {
    const started = Date.now();
    expect(await waitUntilLoaded(async () => notReady, { waitMs: 60, intervalMs: 10 })).toEqual(notReady);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('asks once with waitMs 0', async () => {
    const check = jest.fn(async () => notReady);
    await waitUntilLoaded(check, { waitMs: 0, intervalMs: 10 });
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('stops waiting when its signal aborts', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    const started = Date.now();
    await waitUntilLoaded(async () => notReady, { waitMs: 10_000, intervalMs: 5000, signal: abort.signal });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('LoadedVersions', () => {
  /** A shard serving the versions listed, or failing every call. */
  function shard(address: string, served: string[] | Error): { address: string; client: ReadinessClient } {
    return {
      address,
      client: {
        modelReady: async (name: string, version: string) => {
          if (served instanceof Error) throw served;
          return served.includes(`${name}:${version}`);
        },
      },
    };
  }
  const v1 = ['fraud_student:1', 'fraud_teacher:1'];
  const v3 = ['fraud_student:3', 'fraud_teacher:3'];

  it('asks every available shard for the student and teacher of every version', async () => {
    const router = new ShardRouter([shard('a:1', [...v1, ...v3]), shard('b:1', [...v1, 'fraud_student:3'])]);
    const loaded = new LoadedVersions(router, 'fraud_student', 'fraud_teacher');
    expect(await loaded.check(routing())).toEqual({ ready: true });
    expect(await loaded.check(routing({ shadowVersion: '3' }))).toEqual({ ready: false, problem: 'fraud_teacher:3 not ready on b:1' });
  });

  it('leaves out a shard the router has ejected', async () => {
    const router = new ShardRouter([shard('a:1', [...v1, ...v3]), shard('b:1', v1)], { failureThreshold: 1, cooldownMs: 60_000 });
    router.recordProbe('b:1', false);
    const loaded = new LoadedVersions(router, 'fraud_student', 'fraud_teacher');
    expect(await loaded.check(routing({ canary: { version: '3', weight: 0.5 } }))).toEqual({ ready: true });
  });

  it('counts a shard that does not answer as a failure on its breaker, so it is ejected after a few checks', async () => {
    const router = new ShardRouter([shard('a:1', [...v1, ...v3]), shard('b:1', new Error('UNAVAILABLE: connection refused'))], {
      failureThreshold: 2,
      cooldownMs: 60_000,
    });
    const loaded = new LoadedVersions(router, 'fraud_student', 'fraud_teacher');
    const target = routing({ primaryVersion: '3' });
    expect(await loaded.check(target)).toEqual({ ready: false, problem: 'b:1 did not answer (UNAVAILABLE: connection refused)' });
    expect((await loaded.check(target)).ready).toBe(false);
    expect(router.shards[1].breaker.isClosed).toBe(false);
    expect(await loaded.check(target)).toEqual({ ready: true });
  });

  it('is not ready when every shard is ejected', async () => {
    const router = new ShardRouter([shard('a:1', v1)], { failureThreshold: 1, cooldownMs: 60_000 });
    router.recordProbe('a:1', false);
    expect(await new LoadedVersions(router, 'fraud_student', 'fraud_teacher').check(routing())).toEqual({
      ready: false,
      problem: 'no Triton shard is available',
    });
  });
});
