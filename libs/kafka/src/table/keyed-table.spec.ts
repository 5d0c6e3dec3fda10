import { KeyedTable, RefusedRecord, TableRecord } from './keyed-table';

/** Values are numbers written as text; anything else is refused, "outage" fails as a registry outage would. */
function numbers(): KeyedTable<number> {
  return new KeyedTable((bytes) => {
    const text = bytes.toString();
    if (text === 'outage') throw new Error('registry unreachable');
    const value = Number(text);
    if (Number.isNaN(value)) throw new RefusedRecord(`"${text}" is not a number`);
    return value;
  });
}

let offset = 0;
function record(key: string | null, value: string | null): TableRecord {
  return { key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), partition: 0, offset: offset++ };
}

describe('KeyedTable', () => {
  it('keeps the latest value of each key, in the order records are applied', async () => {
    const table = numbers();
    for (const [key, value] of [['fraud', '1'], ['theft', '5'], ['fraud', '2'], ['fraud', '3']]) await table.apply(record(key, value));
    expect(table.get('fraud')).toBe(3);
    expect(table.get('theft')).toBe(5);
    expect(table.entries()).toEqual([['fraud', 3], ['theft', 5]]);
  });

  it('reports each change with the value it replaced and where the record was', async () => {
    const table = numbers();
    await table.apply(record('fraud', '1'));
    const change = await table.apply({ key: 'fraud', value: Buffer.from('2'), partition: 0, offset: 41 });
    expect(change).toEqual({ kind: 'set', key: 'fraud', value: 2, previous: 1, partition: 0, offset: 41 });
  });

  it('keeps the previous value of a key when its newer record is refused', async () => {
    const table = numbers();
    await table.apply(record('fraud', '1'));
    const change = await table.apply(record('fraud', 'one point five'));
    expect(change).toMatchObject({ kind: 'refused', key: 'fraud', reason: '"one point five" is not a number' });
    expect(table.get('fraud')).toBe(1);
  });

  it('refuses a record without a key', async () => {
    const table = numbers();
    expect(await table.apply(record(null, '1'))).toMatchObject({ kind: 'refused', key: undefined, reason: 'the record has no key' });
    expect(table.entries()).toEqual([]);
  });

  it('removes a key on its tombstone', async () => {
    const table = numbers();
    await table.apply(record('fraud', '1'));
    expect(await table.apply(record('fraud', null))).toMatchObject({ kind: 'deleted', key: 'fraud', previous: 1 });
    expect(table.get('fraud')).toBeUndefined();
  });

  it('throws a transient failure of its reader and is unchanged, so the same record can be applied again', async () => {
    const table = numbers();
    await table.apply(record('fraud', '1'));
    await expect(table.apply(record('fraud', 'outage'))).rejects.toThrow('registry unreachable');
    expect(table.get('fraud')).toBe(1);
  });
});
