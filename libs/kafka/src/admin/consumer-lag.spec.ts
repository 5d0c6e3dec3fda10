import { partitionLags } from './consumer-lag';

describe('partitionLags', () => {
  it('is the high watermark minus the committed offset on each partition', () => {
    const lags = partitionLags(
      'claims.submitted.v1',
      [
        { partition: 0, high: '120', low: '0' },
        { partition: 1, high: '75', low: '0' },
      ],
      [
        { partition: 0, offset: '100' },
        { partition: 1, offset: '75' },
      ],
    );
    expect(lags).toEqual([
      { topic: 'claims.submitted.v1', partition: 0, lag: 20 },
      { topic: 'claims.submitted.v1', partition: 1, lag: 0 },
    ]);
  });

  it('counts a partition the group never committed from the oldest record still in the log', () => {
    const lags = partitionLags('t', [{ partition: 0, high: '50', low: '30' }], [{ partition: 0, offset: '-1' }]);
    expect(lags).toEqual([{ topic: 't', partition: 0, lag: 20 }]);
  });

  it('counts a partition missing from the committed offsets the same way', () => {
    expect(partitionLags('t', [{ partition: 3, high: '9', low: '0' }], [])).toEqual([{ topic: 't', partition: 3, lag: 9 }]);
  });

  it('is never negative when the committed offset is read after a newer high watermark', () => {
    expect(partitionLags('t', [{ partition: 0, high: '10', low: '0' }], [{ partition: 0, offset: '12' }])[0].lag).toBe(0);
  });
});
