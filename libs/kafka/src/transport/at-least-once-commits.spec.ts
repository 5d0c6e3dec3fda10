import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { AtLeastOnceCommits } from './at-least-once-commits';
import { ConsumedOffsets } from './commit-strategy';
import type { NativeConsumer, NativeProducer } from './native-clients';
import type { OutgoingMessage } from './records';
import { TransportMetrics } from './transport-metrics';

/** A stand-in for librdkafka's producer: keeps what was produced; the test delivers the reports. */
class FakeProducer extends EventEmitter {
  readonly produced: { topic: string; opaque: unknown }[] = [];

  produce(topic: string, _partition: null, _value: Buffer, _key: string, _ts: null, opaque: unknown): void {
    this.produced.push({ topic, opaque });
  }

  deliver(index: number, error?: Error): void {
    const { topic, opaque } = this.produced[index];
    this.emit('delivery-report', error ?? null, { topic, opaque });
  }
}

function setup() {
  const producer = new FakeProducer();
  const commits: unknown[] = [];
  const consumer = { commitSync: (offsets: unknown) => commits.push(offsets) };
  const strategy = new AtLeastOnceCommits(
    producer as unknown as NativeProducer,
    consumer as unknown as NativeConsumer,
    100,
    new TransportMetrics(new Registry()),
  );
  return { producer, commits, strategy };
}

const output = (topic = 'out'): OutgoingMessage => ({ topic, key: 'k', value: Buffer.from('v'), headers: {} });

function consumedAt(partition: number, offset: number): ConsumedOffsets {
  const consumed = new ConsumedOffsets();
  consumed.consumed('in', partition, offset);
  return consumed;
}

describe('AtLeastOnceCommits', () => {
  it('commits the offsets of polls only once every output of theirs is acknowledged', async () => {
    const { producer, commits, strategy } = setup();
    await strategy.add([output(), output()], consumedAt(0, 4));
    await strategy.add([output()], consumedAt(1, 9));
    expect(strategy.uncommitted).toBe(2);

    let committed = false;
    const commit = strategy.commit().then(() => (committed = true));
    producer.deliver(0);
    producer.deliver(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed).toBe(false);
    expect(commits).toEqual([]);

    producer.deliver(1);
    await commit;
    expect(commits).toEqual([
      [
        { topic: 'in', partition: 0, offset: 5 },
        { topic: 'in', partition: 1, offset: 10 },
      ],
    ]);
    expect(strategy.uncommitted).toBe(0);
    expect(strategy.dueInMs(Date.now())).toBe(Infinity);
  });

  it('refuses to commit past a failed delivery', async () => {
    const { producer, commits, strategy } = setup();
    await strategy.add([output()], consumedAt(0, 1));
    const commit = strategy.commit();
    producer.deliver(0, new Error('Broker: Not enough in-sync replicas'));
    await expect(commit).rejects.toThrow('Not enough in-sync replicas');
    expect(commits).toEqual([]);
  });

  it('commits a poll that produced nothing without waiting, and is due once the interval has passed', async () => {
    const { commits, strategy } = setup();
    const before = Date.now();
    await strategy.add([], consumedAt(2, 0));
    expect(strategy.dueInMs(before)).toBeGreaterThan(0);
    expect(strategy.dueInMs(before + 200)).toBeLessThanOrEqual(0);
    await strategy.commit();
    expect(commits).toEqual([[{ topic: 'in', partition: 2, offset: 1 }]]);
  });
});
