import { NoShardAvailableError, ShardRouter } from './shard-router';

interface FakeShard {
  up: boolean;
}

function routerOver(names: string[], clock = { t: 0 }) {
  const shards = new Map(names.map((name) => [name, { up: true } as FakeShard]));
  const router = new ShardRouter(
    names.map((address) => ({ address, client: shards.get(address) as FakeShard })),
    { failureThreshold: 2, cooldownMs: 1000, now: () => clock.t, isRequestError: (e) => (e as Error).message === 'bad request' },
  );
  const serve = (client: FakeShard) => (client.up ? Promise.resolve('ok') : Promise.reject(new Error('UNAVAILABLE')));
  return { router, shards, serve, clock };
}

describe('ShardRouter', () => {
  it('sends a call to the shard with the fewest outstanding calls', () => {
    const { router } = routerOver(['a', 'b', 'c']);
    router.shards[0].outstanding = 3;
    router.shards[1].outstanding = 1;
    router.shards[2].outstanding = 2;
    expect(router.pick()?.address).toBe('b');
  });

  it('retries a call that fails on one shard on another, so the call succeeds', async () => {
    const { router, shards, serve } = routerOver(['a', 'b']);
    (shards.get('a') as FakeShard).up = false;
    const outcome = await router.call(serve);
    expect(outcome).toEqual({ value: 'ok', shard: 'b', failedOver: ['a'] });
  });

  it('ejects a shard after consecutive failures: later calls go only to the others', async () => {
    const { router, shards, serve } = routerOver(['a', 'b']);
    (shards.get('a') as FakeShard).up = false;
    const used: string[] = [];
    for (let i = 0; i < 10; i++) {
      const outcome = await router.call((client, address) => (used.push(address), serve(client)));
      expect(outcome.shard).toBe('b');
    }
    expect(router.shards[0].breaker.state).toBe('open');
    expect(used.filter((a) => a === 'a').length).toBe(2);
  });

  it('re-admits an ejected shard through a half-open probe once it answers again', async () => {
    const { router, shards, serve, clock } = routerOver(['a', 'b']);
    (shards.get('a') as FakeShard).up = false;
    for (let i = 0; i < 4; i++) await router.call(serve);
    (shards.get('a') as FakeShard).up = true;
    clock.t = 1000;
    const outcome = await router.call(serve);
    expect(outcome.shard).toBe('a');
    expect(router.shards[0].breaker.state).toBe('closed');
  });

  it('fails with NoShardAvailableError when every shard fails', async () => {
    const { router, shards, serve } = routerOver(['a', 'b']);
    for (const shard of shards.values()) shard.up = false;
    await expect(router.call(serve)).rejects.toBeInstanceOf(NoShardAvailableError);
  });

  it('does not retry or count against the shard an error that says the request is wrong', async () => {
    const { router } = routerOver(['a', 'b']);
    const used: string[] = [];
    const call = (_c: FakeShard, address: string) => (used.push(address), Promise.reject(new Error('bad request')));
    for (let i = 0; i < 3; i++) await expect(router.call(call)).rejects.toThrow('bad request');
    expect(used).toHaveLength(3);
    expect(router.shards.every((s) => s.breaker.isClosed)).toBe(true);
  });

  it('reports breaker state changes', async () => {
    const changes: string[] = [];
    const clock = { t: 0 };
    const router = new ShardRouter([{ address: 'a', client: 0 }], {
      failureThreshold: 1,
      cooldownMs: 10,
      now: () => clock.t,
      onStateChange: (address, state) => changes.push(`${address}:${state}`),
    });
    await expect(router.call(() => Promise.reject(new Error('down')))).rejects.toThrow();
    clock.t = 10;
    await router.call(() => Promise.resolve(1));
    expect(changes).toEqual(['a:open', 'a:closed']);
  });
});
