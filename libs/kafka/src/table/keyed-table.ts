/** A record whose value can never be used (undecodable, invalid): retrying will not help. */
export class RefusedRecord extends Error {
  override readonly name = 'RefusedRecord';
}

/** A record of a compacted topic, as the table needs it. */
export interface TableRecord {
  key?: Buffer | string | null;
  value: Buffer | null;
  partition: number;
  offset: number;
}

/** What one record did to the table. */
export type TableChange<V> =
  | { kind: 'set'; key: string; value: V; previous: V | undefined; partition: number; offset: number }
  | { kind: 'deleted'; key: string; previous: V | undefined; partition: number; offset: number }
  | { kind: 'refused'; key: string | undefined; reason: string; partition: number; offset: number };

/**
 * A compacted topic seen as a table: records applied in offset order, the latest usable value
 * per key kept. A tombstone (null value) removes its key. A record its reader refuses leaves
 * the key's previous value in place, so one bad record never takes away a good setting; any
 * other error of the reader (a registry outage) is thrown and the table is unchanged, so the
 * caller can apply the same record again.
 */
export class KeyedTable<V> {
  private readonly values = new Map<string, V>();

  /** `read` turns a record's bytes into the value kept; it throws RefusedRecord for bytes that can never be used. */
  constructor(private readonly read: (value: Buffer, key: string) => V | Promise<V>) {}

  get(key: string): V | undefined {
    return this.values.get(key);
  }

  entries(): [string, V][] {
    return [...this.values];
  }

  async apply(record: TableRecord): Promise<TableChange<V>> {
    const { partition, offset } = record;
    const key = record.key?.toString();
    if (!key) return { kind: 'refused', key: undefined, reason: 'the record has no key', partition, offset };
    const previous = this.values.get(key);
    if (!record.value) {
      this.values.delete(key);
      return { kind: 'deleted', key, previous, partition, offset };
    }
    let value: V;
    try {
      value = await this.read(record.value, key);
    } catch (error) {
      if (error instanceof RefusedRecord) return { kind: 'refused', key, reason: error.message, partition, offset };
      throw error;
    }
    this.values.set(key, value);
    return { kind: 'set', key, value, previous, partition, offset };
  }
}
