import { BatchWatch } from './batch-watch';

describe('BatchWatch', () => {
  let now = 0;
  const watch = () => new BatchWatch(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('names the batches in flight for longer than the limit, oldest first', () => {
    const batches = watch();
    batches.started('claims.enriched.v1', 2);
    now += 30_000;
    batches.started('claims.enriched.v1', 5);
    now += 45_000;

    expect(batches.stalledFor(60_000)).toEqual([{ partition: 'claims.enriched.v1/2', seconds: 75 }]);
    expect(batches.stalledFor(10_000)).toEqual([
      { partition: 'claims.enriched.v1/2', seconds: 75 },
      { partition: 'claims.enriched.v1/5', seconds: 45 },
    ]);
  });

  it('forgets a batch once it finished, so an idle consumer is never stalled', () => {
    const batches = watch();
    batches.started('claims.scored.v1', 0);
    batches.finished('claims.scored.v1', 0);
    now += 600_000;

    expect(batches.stalledFor(60_000)).toEqual([]);
  });

  it('times the next batch of a partition from its own start', () => {
    const batches = watch();
    batches.started('claims.scored.v1', 0);
    now += 50_000;
    batches.finished('claims.scored.v1', 0);
    batches.started('claims.scored.v1', 0);
    now += 20_000;

    expect(batches.stalledFor(60_000)).toEqual([]);
  });
});
