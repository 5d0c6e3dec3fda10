/**
 * transactions: what exactly-once costs per record on the new client next to the old scheme,
 * at a steady rate on the same broker. Two transactional hops, each in a process of its own on
 * fresh 6-partition topics (kafka-hop's runVariant: a short drain first, which warms it up):
 *   - the transport on @confluentinc/kafka-javascript (transactional: true): one transaction
 *     per commit interval (KAFKA_COMMIT_INTERVAL_MS, 100 ms) over every partition it holds;
 *   - kafkajs with a transaction per partition batch and a transactional producer per input
 *     partition, as the transport ran before (kept as a reference, kafkajs-reference-relay.ts).
 * At BENCH_RATE (2,000 records/s) for BENCH_SECONDS (20) it prints transactions/s, the CPU per
 * record of the hop process and of the broker, p50/p99 hop latency, and the ratio of CPU per
 * record new/old. BENCH_RECORDS (10,000) is the drain before. Writes
 * results/bench/transactions.json; never fails on the figures.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { stack, testKafka, testProducer } from '@claims-mesh/testing';
import { CPU_DEFINITION, fmt, LATENCY_DEFINITION, printTable, writeResult } from '../kafka-hop/report';
import { HopSettings, runVariant, Scratch, variantNamed, VariantResult } from '../kafka-hop/variant-run';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// The relay processes inherit it: the transport's commit interval, hence its transactions per second.
process.env.KAFKA_COMMIT_INTERVAL_MS ??= '100';
const settings: HopSettings = {
  partitions: 6,
  records: env('BENCH_RECORDS', 10_000),
  rate: env('BENCH_RATE', 2000),
  latencySeconds: env('BENCH_SECONDS', 20),
  warmupSeconds: 1,
  drainTimeoutMs: env('BENCH_DRAIN_TIMEOUT_MS', 60_000),
};
const NEW = 'transactional';
const OLD = 'kafkajs-transactional';

const cpuTotal = (r: VariantResult) => (r.latency.cpu ? r.latency.cpu.hopUs + r.latency.cpu.brokerUs : NaN);

async function main(): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const kafka = testKafka('bench-transactions');
  const admin = kafka.admin();
  const load = testProducer(kafka);
  await Promise.all([admin.connect(), load.connect()]);
  const scratch = new Scratch(admin);
  const results: VariantResult[] = [];
  try {
    for (const name of [NEW, OLD]) results.push(await runVariant(variantNamed(name), settings, runId, admin, load, scratch));
  } finally {
    await load.disconnect();
    await scratch.deleteAll();
    await admin.disconnect();
  }
  const [fresh, old] = results;
  console.log(
    `\ntransactions: exactly-once hop at ${fmt(settings.rate)} records/s for ${settings.latencySeconds} s (first ${settings.warmupSeconds} s of latency left out), ` +
      `${settings.partitions} partitions, after a drain of ${fmt(settings.records)}; commit interval ${process.env.KAFKA_COMMIT_INTERVAL_MS} ms; broker ${stack.kafkaBrokers}`,
  );
  printTable([
    ['hop', 'txn/s', 'rec/txn', 'CPU µs/rec hop', 'broker', 'hop + broker', 'p50 ms', 'p99 ms', 'stamped p50/p99 ms', 'drain rec/s', 'lost'],
    ...results.map((r) => {
      const txn = r.latency.transactionsPerSecond ?? NaN;
      return [
        r.label,
        fmt(txn, 1),
        fmt(settings.rate / txn, 1),
        fmt(r.latency.cpu?.hopUs ?? NaN, 1),
        fmt(r.latency.cpu?.brokerUs ?? NaN, 1),
        fmt(cpuTotal(r), 1),
        fmt(r.latency.p50Ms, 1),
        fmt(r.latency.p99Ms, 1),
        `${fmt(r.latency.stampedP50Ms, 1)} / ${fmt(r.latency.stampedP99Ms, 1)}`,
        fmt(r.drain.recordsPerSecond) + (r.drain.complete ? '' : ' (INCOMPLETE)'),
        String(r.latency.sent - r.latency.seen),
      ];
    }),
  ]);
  console.log(`latency ms, ${LATENCY_DEFINITION}`);
  console.log(CPU_DEFINITION);
  const ratio = {
    hopPlusBroker: cpuTotal(fresh) / cpuTotal(old),
    hop: (fresh.latency.cpu?.hopUs ?? NaN) / (old.latency.cpu?.hopUs ?? NaN),
    broker: (fresh.latency.cpu?.brokerUs ?? NaN) / (old.latency.cpu?.brokerUs ?? NaN),
  };
  console.log(
    `CPU per record new/old at ${fmt(settings.rate)} rec/s: hop + broker ${fmt(ratio.hopPlusBroker, 2)} (hop ${fmt(ratio.hop, 2)}, broker ${fmt(ratio.broker, 2)})`,
  );
  writeResult('transactions', {
    benchmark: 'transactions',
    at: new Date().toISOString(),
    broker: stack.kafkaBrokers,
    node: process.version,
    config: { ...settings, commitIntervalMs: Number(process.env.KAFKA_COMMIT_INTERVAL_MS) },
    latencyDefinition: LATENCY_DEFINITION,
    cpuDefinition: CPU_DEFINITION,
    results,
    cpuRatioNewOverOld: ratio,
  });
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`transactions benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
