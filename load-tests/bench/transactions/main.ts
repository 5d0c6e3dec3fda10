/**
 * transactions: how long one consume-transform-produce transaction takes on the local broker
 * (begin, send a partition batch's outputs, send the consumed offsets, commit), one after the
 * other on one producer as one input partition's transactions run in the transport. The same
 * run times it with kafkajs's default retry, with the 25 ms first retry the transport used
 * before, and with the transport's TRANSACTIONAL_RETRY: the first send of a transaction
 * usually meets CONCURRENT_TRANSACTIONS while the previous commit's markers are written, and
 * the first retry's wait decides how long that costs.
 *   BENCH_TRANSACTIONS (300 per variant), BENCH_RECORDS_PER_TRANSACTION (50).
 * Reports and writes results/bench/transactions.json; never fails on the figures.
 */
import { randomUUID } from 'node:crypto';
import { TRANSACTIONAL_RETRY } from '@claims-mesh/kafka';
import { stack, testKafka } from '@claims-mesh/testing';
import { Partitioners, RetryOptions } from 'kafkajs';
import { percentile } from '../kafka-hop/load';
import { fmt, printTable, writeResult } from '../kafka-hop/report';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TRANSACTIONS = env('BENCH_TRANSACTIONS', 300);
const RECORDS = env('BENCH_RECORDS_PER_TRANSACTION', 50);

const VARIANTS: { name: string; retry: RetryOptions }[] = [
  { name: 'kafkajs default retry (300 ms first)', retry: { retries: Number.MAX_SAFE_INTEGER } },
  {
    name: 'transport before (25 ms first)',
    retry: { initialRetryTime: 25, retries: Number.MAX_SAFE_INTEGER },
  },
  { name: 'TRANSACTIONAL_RETRY', retry: TRANSACTIONAL_RETRY },
];

const GROUP = `bench-transactions-${randomUUID().slice(0, 8)}`;

interface Figures {
  name: string;
  retry: RetryOptions;
  transactionsPerSecond: number;
  /** Transactions that failed (aborted, then run again): kafkajs does not retry every retriable error itself. */
  aborted: number;
  /** Per phase: p50 and p99 ms. */
  phases: Record<'send' | 'offsets' | 'commit' | 'total', { p50Ms: number; p99Ms: number }>;
}

async function measure(topic: string, variant: (typeof VARIANTS)[number], count: number): Promise<Figures> {
  const kafka = testKafka('bench-transactions');
  const producer = kafka.producer({
    transactionalId: `bench-transactions.${randomUUID()}`,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: variant.retry,
  });
  await producer.connect();
  const times = {
    send: [] as number[],
    offsets: [] as number[],
    commit: [] as number[],
    total: [] as number[],
  };
  const messages = Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(300, i) }));
  let aborted = 0;
  const started = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const transaction = await producer.transaction();
      let t1: number, t2: number, t3: number;
      try {
        await transaction.send({ topic, messages });
        t1 = performance.now();
        await transaction.sendOffsets({
          consumerGroupId: GROUP,
          topics: [{ topic, partitions: [{ partition: 0, offset: String(i * RECORDS) }] }],
        });
        t2 = performance.now();
        await transaction.commit();
        t3 = performance.now();
      } catch {
        // As the transport does: abort and run the batch's transaction again.
        await transaction.abort().catch(() => undefined);
        aborted++;
        i--;
        continue;
      }
      times.send.push(t1 - t0);
      times.offsets.push(t2 - t1);
      times.commit.push(t3 - t2);
      times.total.push(t3 - t0);
    }
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = (values: number[]) => {
    const sorted = values.sort((a, b) => a - b);
    return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
  };
  return {
    name: variant.name,
    retry: variant.retry,
    transactionsPerSecond: count / seconds,
    aborted,
    phases: {
      send: summary(times.send),
      offsets: summary(times.offsets),
      commit: summary(times.commit),
      total: summary(times.total),
    },
  };
}

async function main(): Promise<void> {
  const topic = `bench.${randomUUID().slice(0, 8)}.transactions`;
  const admin = testKafka('bench-transactions').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const results: Figures[] = [];
  try {
    // Connections, the group's coordinator and the JIT warm up before anything is timed.
    await measure(topic, { name: 'warm-up', retry: TRANSACTIONAL_RETRY }, 20);
    for (const variant of VARIANTS) results.push(await measure(topic, variant, TRANSACTIONS));
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  const baseline = results[0].transactionsPerSecond;
  console.log(
    `\ntransactions: ${TRANSACTIONS} in a row per variant on one producer, ${RECORDS} records of 300 B each plus the consumed offsets; broker ${stack.kafkaBrokers}`,
  );
  printTable([
    [
      'retry',
      'txn/s',
      'vs default',
      'aborted',
      'send p50/p99 ms',
      'offsets p50/p99 ms',
      'commit p50/p99 ms',
      'total p50/p99 ms',
    ],
    ...results.map((r) => [
      r.name,
      fmt(r.transactionsPerSecond),
      `${fmt(r.transactionsPerSecond / baseline, 1)}x`,
      String(r.aborted),
      ...(['send', 'offsets', 'commit', 'total'] as const).map(
        (p) => `${fmt(r.phases[p].p50Ms, 1)} / ${fmt(r.phases[p].p99Ms, 1)}`,
      ),
    ]),
  ]);
  writeResult('transactions', {
    benchmark: 'transactions',
    at: new Date().toISOString(),
    broker: stack.kafkaBrokers,
    transactions: TRANSACTIONS,
    recordsPerTransaction: RECORDS,
    results,
  });
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`transactions benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
