import { randomUUID } from 'node:crypto';
import { CompactedTopicTable, ensureTopics, Kafka, KafkaAdmin, KafkaProducer, RefusedRecord, TableChange } from '@claims-mesh/kafka';
import { stack, testKafka, testProducer, waitFor } from '@claims-mesh/testing';

/** Values are numbers written as text; anything else is refused. */
function readNumber(bytes: Buffer): number {
  const value = Number(bytes.toString());
  if (Number.isNaN(value)) throw new RefusedRecord(`"${bytes.toString()}" is not a number`);
  return value;
}

describe('CompactedTopicTable (real broker)', () => {
  let kafka: Kafka;
  let admin: KafkaAdmin;
  let producer: KafkaProducer;
  let topic: string;
  const tables: CompactedTopicTable<number>[] = [];
  const created: string[] = [];

  function open(changes: TableChange<number>[] = [], retries: Error[] = []): CompactedTopicTable<number> {
    const table = CompactedTopicTable.open({
      connection: { clientId: 'it-table', brokers: stack.kafkaBrokers },
      topic,
      read: readNumber,
      onChange: (change) => changes.push(change),
      onRetry: (error) => retries.push(error),
    });
    tables.push(table);
    return table;
  }

  async function createCompacted(name: string, partitions: number): Promise<void> {
    await ensureTopics(admin, [{ name, partitions, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }]);
    created.push(name);
  }

  async function send(records: [string, string | null][], partition?: number): Promise<void> {
    await producer.send({ topic, messages: records.map(([key, value]) => ({ key, value, partition })) });
  }

  beforeAll(async () => {
    kafka = testKafka('it-table');
    admin = kafka.admin();
    await admin.connect();
    producer = testProducer(kafka);
    await producer.connect();
  });

  beforeEach(async () => {
    topic = `it.${randomUUID().slice(0, 8)}.table`;
  });

  afterEach(async () => {
    await Promise.all(tables.splice(0).map((table) => table.close()));
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await producer.disconnect();
    await admin.disconnect();
  });

  it('reads every partition from its first record and is caught up with the latest value of each key', async () => {
    await createCompacted(topic, 2);
    await send([['fraud', '1'], ['theft', '7'], ['fraud', '2']], 0);
    await send([['glass', '3'], ['glass', '4']], 1);
    const table = open();
    expect(await table.caughtUp(15_000)).toBe(true);
    expect(new Map(table.entries())).toEqual(new Map([['fraud', 2], ['theft', 7], ['glass', 4]]));
  });

  it('is caught up at once on an empty topic', async () => {
    await createCompacted(topic, 1);
    expect(await open().caughtUp(15_000)).toBe(true);
  });

  it('keeps following: a record produced later replaces its key, a tombstone removes it', async () => {
    await createCompacted(topic, 1);
    await send([['fraud', '1']]);
    const changes: TableChange<number>[] = [];
    const table = open(changes);
    expect(await table.caughtUp(15_000)).toBe(true);
    await send([['fraud', '2']]);
    await waitFor('the new value', async () => (table.get('fraud') === 2 ? true : undefined), 10_000);
    await send([['fraud', null]]);
    await waitFor('the tombstone', async () => (changes.at(-1)?.kind === 'deleted' ? true : undefined), 10_000);
    expect(table.get('fraud')).toBeUndefined();
    expect(changes.map((c) => c.kind)).toEqual(['set', 'set', 'deleted']);
  });

  it('skips a refused record, keeping the value before it, and reports where it was', async () => {
    await createCompacted(topic, 1);
    await send([['fraud', '1'], ['fraud', 'two'], ['theft', '5']]);
    const changes: TableChange<number>[] = [];
    const table = open(changes);
    expect(await table.caughtUp(15_000)).toBe(true);
    expect(table.get('fraud')).toBe(1);
    expect(table.get('theft')).toBe(5);
    expect(changes[1]).toEqual({ kind: 'refused', key: 'fraud', reason: '"two" is not a number', partition: 0, offset: 1 });
  });

  it('waits for a topic that does not exist yet, saying why, and reads it once it is created', async () => {
    const retries: Error[] = [];
    const table = open([], retries);
    expect(await table.caughtUp(1500)).toBe(false);
    expect(retries[0]?.message).toContain(topic);
    await createCompacted(topic, 1);
    await send([['fraud', '3']]);
    expect(await table.caughtUp(30_000)).toBe(true);
    expect(table.get('fraud')).toBe(3);
  });
});
