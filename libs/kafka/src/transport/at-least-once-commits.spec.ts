import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { AtLeastOnceCommits } from './at-least-once-commits';
import { CommitControl, ConsumedOffsets } from './commit-strategy';
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

type Answer = { message: string; code: number } | null | 'never';

/**
 * `answers` scripts the outcome of each commit in order (null: committed; 'never': librdkafka
 * never answers). `commits` holds every commit asked for, `committed` those that succeeded.
 */
function setup(answers: Answer[] = []) {
  const producer = new FakeProducer();
  const commits: unknown[] = [];
  const committed: unknown[] = [];
  const pending: (() => void)[] = [];
  const consumer = {
    commitCb: (offsets: unknown, callback: (error: unknown) => void) => {
      commits.push(offsets);
      const answer = answers.shift() ?? null;
      if (answer === 'never') {
        pending.push(() => callback(null));
        return;
      }
      if (answer === null) committed.push(offsets);
      setImmediate(() => callback(answer));
    },
  };
  const lines: string[] = [];
  const control: CommitControl = { shouldContinue: () => true, log: (line) => lines.push(line) };
  const metrics = new TransportMetrics(new Registry());
  const strategy = new AtLeastOnceCommits(
    producer as unknown as NativeProducer,
    consumer as unknown as NativeConsumer,
    100,
    metrics,
    control,
    50,
    { initialMs: 10, maxMs: 10, multiplier: 1 },
  );
  return { producer, commits, committed, pending, strategy, lines, metrics };
}

const output = (topic = 'out'): OutgoingMessage => ({ topic, key: 'k', value: Buffer.from('v'), headers: {} });

function consumedAt(partition: number, offset: number): ConsumedOffsets {
  const consumed = new ConsumedOffsets();
  consumed.consumed('in', partition, offset);
  return consumed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  it('keeps the offsets of a commit that failed retriably and commits them with the next polls after a backoff', async () => {
    const { committed, strategy, lines, metrics } = setup([{ message: 'Broker: Request timed out', code: 7 }]);
    await strategy.add([], consumedAt(0, 4));
    await strategy.add([], consumedAt(1, 2));
    await expect(strategy.commit()).resolves.toBeUndefined();
    expect(committed).toEqual([]);
    expect(strategy.uncommitted).toBe(2);
    expect(strategy.dueInMs(Date.now())).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^offset commit failed \(attempt 1\), retrying in \d+ ms: Broker: Request timed out$/);
    expect((await metrics.commitFailures.get()).values).toEqual([expect.objectContaining({ labels: { kind: 'offsets', action: 'retry' }, value: 1 })]);

    await strategy.add([], consumedAt(0, 6));
    // Due once both the interval of the oldest record and the backoff have passed.
    await sleep(110);
    expect(strategy.dueInMs(Date.now())).toBeLessThanOrEqual(0);
    await strategy.commit();
    expect(committed).toEqual([
      [
        { topic: 'in', partition: 0, offset: 7 },
        { topic: 'in', partition: 1, offset: 3 },
      ],
    ]);
    expect(strategy.uncommitted).toBe(0);
  });

  it('drops the offsets when the group no longer knows the member (a rebalance is coming) and keeps going', async () => {
    const { committed, strategy, lines } = setup([{ message: 'Broker: Unknown member', code: 25 }]);
    await strategy.add([], consumedAt(0, 4));
    await expect(strategy.commit()).resolves.toBeUndefined();
    expect(strategy.uncommitted).toBe(0);
    expect(strategy.dueInMs(Date.now())).toBe(Infinity);
    expect(lines[0]).toMatch(/rebalance is under way \(Broker: Unknown member\)/);

    await strategy.add([], consumedAt(3, 0));
    await strategy.commit();
    expect(committed).toEqual([[{ topic: 'in', partition: 3, offset: 1 }]]);
  });

  it('rejects a commit error it cannot handle in place', async () => {
    const { strategy } = setup([{ message: 'Broker: Group authorization failed', code: 30 }]);
    await strategy.add([], consumedAt(0, 4));
    await expect(strategy.commit()).rejects.toThrow('Group authorization failed');
  });

  it('gives up on an unanswered commit after its attempt timeout, and waits for it before the next one', async () => {
    const { commits, committed, pending, strategy, lines } = setup(['never']);
    await strategy.add([], consumedAt(0, 4));
    const started = Date.now();
    await strategy.commit();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(lines[0]).toMatch(/offset commit unanswered after 50 ms/);
    expect(strategy.uncommitted).toBe(1);

    // Still unanswered: the next attempt does not send a second commit beside it.
    await sleep(15);
    await strategy.commit();
    expect(commits).toHaveLength(1);

    pending.shift()?.();
    await sleep(15);
    await strategy.commit();
    expect(commits).toHaveLength(2);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 5 }]]);
    expect(strategy.uncommitted).toBe(0);
  });
});
