import { Registry } from 'prom-client';
import { CommitControl, ConsumedOffsets } from './commit-strategy';
import type { NativeConsumer, NativeProducer } from './native-clients';
import { TransactionalCommits, TransactionRetry } from './transactional-commits';
import { TransportMetrics } from './transport-metrics';

type Failure = { message: string; code: number; isRetriable?: boolean; isTxnRequiresAbort?: boolean; isFatal?: boolean };

/**
 * A stand-in for librdkafka's transactional producer: records the calls in order. `failures`
 * scripts the errors of the transactional calls, by name, one per call, in order (null: succeeds).
 */
function fakeProducer(failures: Record<string, (Failure | null)[]> = {}) {
  const calls: string[] = [];
  const outcome = (name: string) => failures[name]?.shift() ?? null;
  const done = (name: string) => (...args: unknown[]) => {
    calls.push(name);
    const callback = args[args.length - 1] as (error: unknown) => void;
    callback(outcome(name));
  };
  const producer = {
    beginTransaction: done('begin'),
    produce: (topic: string) => void calls.push(`produce ${topic}`),
    sendOffsetsToTransaction: (offsets: unknown, consumer: unknown, timeout: number, callback: (error: unknown) => void) => {
      calls.push(`sendOffsets ${JSON.stringify(offsets)}`);
      callback(outcome('sendOffsets'));
    },
    commitTransaction: done('commit'),
    abortTransaction: done('abort'),
  };
  return { calls, producer: producer as unknown as NativeProducer };
}

/** A consumer holding partitions 0 and 1 of `in`, with offset 3 committed for 0 and nothing for 1. */
function fakeConsumer() {
  const seeks: { topic: string; partition: number; offset: number }[] = [];
  const consumer = {
    assignments: () => [
      { topic: 'in', partition: 0 },
      { topic: 'in', partition: 1 },
    ],
    committed: (partitions: { topic: string; partition: number }[], timeout: number, callback: (error: unknown, offsets: unknown) => void) =>
      callback(
        null,
        partitions.map((p) => ({ ...p, offset: p.partition === 0 ? 3 : -1001 })),
      ),
    seek: (position: { topic: string; partition: number; offset: number }, timeout: number, callback: (error: unknown) => void) => {
      seeks.push(position);
      callback(null);
    },
  };
  return { seeks, consumer: consumer as unknown as NativeConsumer };
}

function consumed(...offsets: [number, number][]): ConsumedOffsets {
  const result = new ConsumedOffsets();
  for (const [partition, offset] of offsets) result.consumed('in', partition, offset);
  return result;
}

const message = { topic: 'out', key: 'k', value: Buffer.from('v'), headers: {} };
const FAST: TransactionRetry = { backoff: { initialMs: 1, maxMs: 2, multiplier: 2 }, budgetMs: 200, commitLimitMs: 200 };
const timedOut: Failure = { message: 'Local: Timed out', code: -185, isRetriable: true };
const abortable: Failure = { message: 'Broker: Not enough in-sync replicas', code: 19, isTxnRequiresAbort: true };

function control(overrides: Partial<CommitControl> = {}): CommitControl & { lines: string[] } {
  const lines: string[] = [];
  return { shouldContinue: () => true, log: (line) => lines.push(line), lines, ...overrides };
}

async function outcomes(metrics: TransportMetrics) {
  return Object.fromEntries((await metrics.transactions.get()).values.map((v) => [v.labels.outcome, v.value]));
}

/** A strategy whose retries give up after 50 ms, for the tests of what happens past the budget. */
function withShortRetryBudget(producer: NativeProducer, consumer: NativeConsumer): TransactionalCommits {
  return new TransactionalCommits(producer, consumer, 100, new TransportMetrics(new Registry()), control(), {
    backoff: { initialMs: 5, maxMs: 5, multiplier: 1 },
    budgetMs: 50,
    commitLimitMs: 50,
  });
}

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

  it('rejects an error librdkafka did not classify and aborts when abandoned', async () => {
    const { calls, producer } = fakeProducer({ commit: [{ message: 'commit failed', code: -1 }] });
    const strategy = new TransactionalCommits(producer, {} as NativeConsumer, 100, new TransportMetrics(new Registry()), control(), FAST);
    await strategy.add([message], consumed([0, 0]));
    await expect(strategy.commit()).rejects.toThrow('commit failed');
    await strategy.abandon();
    expect(calls.slice(-2)).toEqual(['commit', 'abort']);
    expect(strategy.uncommitted).toBe(0);
  });

  it('repeats a sendOffsets or commit that failed retriably (a broker gone) and commits the same transaction', async () => {
    const { calls, producer } = fakeProducer({ sendOffsets: [timedOut, timedOut], commit: [timedOut] });
    const metrics = new TransportMetrics(new Registry());
    const log = control();
    const strategy = new TransactionalCommits(producer, {} as NativeConsumer, 100, metrics, log, FAST);
    await strategy.add([message], consumed([0, 3]));
    await strategy.commit();
    const offsets = `sendOffsets ${JSON.stringify([{ topic: 'in', partition: 0, offset: 4 }])}`;
    expect(calls).toEqual(['begin', 'produce out', offsets, offsets, offsets, 'commit', 'commit']);
    expect(await outcomes(metrics)).toEqual({ committed: 1 });
    expect(log.lines).toHaveLength(3);
    expect(log.lines[0]).toMatch(/^sending offsets to the transaction failed \(attempt 1\), retrying in \d+ ms: Local: Timed out$/);
  });

  it('aborts a transaction that requires it and rewinds the partitions to the committed offsets, keeping the session', async () => {
    const { calls, producer } = fakeProducer({ commit: [abortable] });
    const { seeks, consumer } = fakeConsumer();
    const metrics = new TransportMetrics(new Registry());
    const log = control();
    const strategy = new TransactionalCommits(producer, consumer, 100, metrics, log, FAST);
    await strategy.add([message], consumed([0, 5], [1, 2]));
    await expect(strategy.commit()).resolves.toBeUndefined();
    expect(calls.slice(-2)).toEqual(['commit', 'abort']);
    // Partition 1 has nothing committed: back to its beginning, as auto.offset.reset=earliest.
    expect(seeks).toEqual([
      { topic: 'in', partition: 0, offset: 3 },
      { topic: 'in', partition: 1, offset: -2 },
    ]);
    expect(strategy.uncommitted).toBe(0);
    expect(strategy.dueInMs(Date.now())).toBe(Infinity);
    expect(await outcomes(metrics)).toEqual({ aborted: 1 });
    expect(log.lines).toEqual(['transaction aborted (Broker: Not enough in-sync replicas); 2 partitions rewound to their committed offsets']);

    // The next poll opens a new transaction.
    await strategy.add([message], consumed([0, 3]));
    await strategy.commit();
    expect(calls.slice(-4)).toEqual(['begin', 'produce out', `sendOffsets ${JSON.stringify([{ topic: 'in', partition: 0, offset: 4 }])}`, 'commit']);
  });

  it('gives the transaction up (abort and rewind) when sendOffsets is still retriable after the retry budget', async () => {
    const { calls, producer } = fakeProducer({ sendOffsets: Array.from({ length: 1000 }, () => timedOut) });
    const { seeks, consumer } = fakeConsumer();
    const strategy = withShortRetryBudget(producer, consumer);
    await strategy.add([message], consumed([0, 5]));
    await strategy.commit();
    expect(calls.filter((c) => c.startsWith('sendOffsets')).length).toBeGreaterThan(1);
    expect(calls).not.toContain('commit');
    expect(calls[calls.length - 1]).toBe('abort');
    expect(seeks).toHaveLength(2);
  });

  it('never aborts a commit in progress (librdkafka refuses): past its limit the session ends', async () => {
    const { calls, producer } = fakeProducer({ commit: Array.from({ length: 1000 }, () => timedOut) });
    const { seeks, consumer } = fakeConsumer();
    const strategy = withShortRetryBudget(producer, consumer);
    await strategy.add([message], consumed([0, 5]));
    await expect(strategy.commit()).rejects.toThrow('Local: Timed out');
    expect(calls.filter((c) => c === 'commit').length).toBeGreaterThan(1);
    expect(calls).not.toContain('abort');
    expect(seeks).toEqual([]);
  });

  it('rejects a fatal error (a fenced producer) without retrying: the session ends', async () => {
    const fenced: Failure = { message: 'Local: This instance has been fenced by a newer instance', code: -144, isFatal: true, isRetriable: true };
    const { calls, producer } = fakeProducer({ sendOffsets: [fenced] });
    const strategy = new TransactionalCommits(producer, fakeConsumer().consumer, 100, new TransportMetrics(new Registry()), control(), FAST);
    await strategy.add([message], consumed([0, 0]));
    await expect(strategy.commit()).rejects.toMatchObject({ code: -144 });
    expect(calls.filter((c) => c.startsWith('sendOffsets'))).toHaveLength(1);
    expect(calls).not.toContain('commit');
  });

  it('stops retrying once the session is closing', async () => {
    const { calls, producer } = fakeProducer({ commit: [timedOut, timedOut, timedOut] });
    const strategy = new TransactionalCommits(
      producer,
      fakeConsumer().consumer,
      100,
      new TransportMetrics(new Registry()),
      control({ shouldContinue: () => false }),
      FAST,
    );
    await strategy.add([message], consumed([0, 0]));
    await expect(strategy.commit()).rejects.toThrow('stopped while retrying: Local: Timed out');
    expect(calls.filter((c) => c === 'commit')).toHaveLength(1);
  });
});
