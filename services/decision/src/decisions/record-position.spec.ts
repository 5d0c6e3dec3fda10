import { mustPublishAgain, RecordPosition } from './record-position';

const at = (offset: string, partition = 0, topic = 'claims.scored.v1'): RecordPosition => ({
  topic,
  partition,
  offset,
});

describe('mustPublishAgain', () => {
  it('publishes again for the same record redelivered (its first transaction may have been aborted)', () => {
    expect(mustPublishAgain(at('41'), at('41'))).toBe(true);
  });

  it('skips a later record of the same partition carrying the same event', () => {
    expect(mustPublishAgain(at('41'), at('42'))).toBe(false);
    expect(mustPublishAgain(at('9'), at('10'))).toBe(false); // offsets compare as numbers, not strings
  });

  it('publishes again when offsets were moved back before the first record', () => {
    expect(mustPublishAgain(at('41'), at('7'))).toBe(true);
  });

  it('publishes again when the event comes from another partition or topic, whose order says nothing', () => {
    expect(mustPublishAgain(at('41', 0), at('42', 1))).toBe(true);
    expect(mustPublishAgain(at('41'), at('42', 0, 'reviews.completed.v1'))).toBe(true);
  });
});
