import { Registry } from 'prom-client';
import { ConsumedOffsets } from './commit-strategy';
import type { NativeConsumer, NativeProducer } from './native-clients';
import { TransactionalCommits } from './transactional-commits';
import { TransportMetrics } from './transport-metrics';

/** A stand-in for librdkafka's transactional producer: records the calls in order. */
function fakeProducer(failCommit = false) {
  const calls: string[] = [];
  const done = (name: string, fail = false) => (...args: unknown[]) => {
    calls.push(name);
    const callback = args[args.length - 1] as (error: unknown) => void;
    callback(fail ? { message: `${name} failed`, code: -1 } : null);
  };
  const producer = {
    beginTransaction: done('begin'),
    produce: (topic: string) => void calls.push(`produce ${topic}`),
    sendOffsetsToTransaction: (offsets: unknown, consumer: unknown, timeout: number, callback: (error: unknown) => void) => {
      calls.push(`sendOffsets ${JSON.stringify(offsets)}`);
      callback(null);
    },
    commitTransaction: done('commit', failCommit),
    abortTransaction: done('abort'),
  };
  return { calls, producer: producer as unknown as NativeProducer };
}

function consumed(...offsets: [number, number][]): ConsumedOffsets {
  const result = new ConsumedOffsets();
  for (const [partition, offset] of offsets) result.consumed('in', partition, offset);
  return result;
}

const message = { topic: 'out', key: 'k', value: Buffer.from('v'), headers: {} };

describe('TransactionalCommits', () => {
  it('puts the polls of one interval in one transaction, with the offsets of every partition', async () => {
    const { calls, producer } = fakeProducer();
    const metrics = new TransportMetrics(new Registry());
    const strategy = new TransactionalCommits(producer, {} as NativeConsumer, 100, metrics);
    await strategy.add([message], consumed([0, 3]));
    await strategy.add([message, message], consumed([1, 7], [0, 4]));
    await strategy.commit();
    expect(calls).toEqual([
      'begin',
      'produce out',
      'produce out',
      'produce out',
      `sendOffsets ${JSON.stringify([
        { topic: 'in', partition: 0, offset: 5 },
        { topic: 'in', partition: 1, offset: 8 },
      ])}`,
      'commit',
    ]);
    expect((await metrics.transactions.get()).values).toEqual([expect.objectContaining({ labels: { outcome: 'committed' }, value: 1 })]);
    expect(strategy.uncommitted).toBe(0);
  });

  it('opens no transaction while nothing was consumed, and is due an interval after the first poll', async () => {
    const { calls, producer } = fakeProducer();
    const strategy = new TransactionalCommits(producer, {} as NativeConsumer, 100, new TransportMetrics(new Registry()));
    expect(strategy.dueInMs(Date.now())).toBe(Infinity);
    await strategy.commit();
    expect(calls).toEqual([]);
    const before = Date.now();
    await strategy.add([], consumed([0, 0]));
    expect(strategy.dueInMs(before + 50)).toBeGreaterThan(0);
    expect(strategy.dueInMs(Date.now() + 100)).toBeLessThanOrEqual(0);
  });

  it('rejects a failed commit and aborts when abandoned', async () => {
    const { calls, producer } = fakeProducer(true);
    const strategy = new TransactionalCommits(producer, {} as NativeConsumer, 100, new TransportMetrics(new Registry()));
    await strategy.add([message], consumed([0, 0]));
    await expect(strategy.commit()).rejects.toThrow('commit failed');
    await strategy.abandon();
    expect(calls.slice(-2)).toEqual(['commit', 'abort']);
    expect(strategy.uncommitted).toBe(0);
  });
});
