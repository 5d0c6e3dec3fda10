import { ConsumedOffsets } from './commit-strategy';

describe('ConsumedOffsets', () => {
  it('keeps the offset after the last record consumed of each partition', () => {
    const offsets = new ConsumedOffsets();
    offsets.consumed('a', 0, 10);
    offsets.consumed('a', 1, 3);
    offsets.consumed('a', 0, 11);
    offsets.consumed('b', 0, 7);
    expect(offsets.list()).toEqual([
      { topic: 'a', partition: 0, offset: 12 },
      { topic: 'a', partition: 1, offset: 4 },
      { topic: 'b', partition: 0, offset: 8 },
    ]);
    expect(offsets.records).toBe(4);
  });

  it('takes a later poll over an earlier one when merged in order, without sharing entries', () => {
    const earlier = new ConsumedOffsets();
    earlier.consumed('a', 0, 1);
    earlier.consumed('a', 1, 5);
    const later = new ConsumedOffsets();
    later.consumed('a', 0, 2);
    const merged = new ConsumedOffsets();
    merged.mergeFrom(earlier);
    merged.mergeFrom(later);
    later.consumed('a', 0, 9);
    expect(merged.list()).toEqual([
      { topic: 'a', partition: 0, offset: 3 },
      { topic: 'a', partition: 1, offset: 6 },
    ]);
    expect(merged.records).toBe(3);
    expect(new ConsumedOffsets().isEmpty).toBe(true);
  });
});
