import { consumerProgressCheck } from './consumer-progress';

describe('consumerProgressCheck', () => {
  it('is ready while no batch has been in flight for longer than the limit', async () => {
    const asked: number[] = [];
    const check = consumerProgressCheck({ stalledBatches: (ms) => (asked.push(ms), []) }, 45);
    expect(check.name).toBe('consumer');
    expect(await check.check()).toEqual({ ready: true });
    expect(asked).toEqual([45_000]);
  });

  it('is not ready while a batch is stalled, naming each partition and for how long', async () => {
    const stalled = [
      { partition: 'claims.enriched.v1/4', seconds: 95 },
      { partition: 'claims.enriched.v1/1', seconds: 61 },
    ];
    const result = await consumerProgressCheck({ stalledBatches: () => stalled }, 60).check();
    expect(result.ready).toBe(false);
    expect(result.details).toEqual({
      message: 'no progress for over 60 s on claims.enriched.v1/4 (95 s), claims.enriched.v1/1 (61 s)',
      stalled,
    });
  });
});
