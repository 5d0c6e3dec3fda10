/**
 * kafka-hop: what one hop through the project's KafkaTransport costs next to a bare kafkajs
 * relay, on the same broker, in one run. Each variant gets fresh 6-partition topics:
 *   1. throughput: a backlog of N ClaimSubmitted records is written, the relay is started, and
 *      N / (last input committed - first record reached the relay) is reported;
 *   2. latency: with the relay still running, records are produced at a fixed rate below its
 *      capacity and a read_committed reader of the output computes per-record hop latency.
 * It reports and writes results/bench/kafka-hop.json; it never fails on the figures.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { stack, testKafka } from '@claims-mesh/testing';
import { Partitioners } from 'kafkajs';
import { LATENCY_DEFINITION, printHopTable, ratioOverBare, writeResult } from './report';
import { HopSettings, runVariant, Scratch, VariantResult, VARIANTS } from './variant-run';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config: HopSettings & { variants: string[]; target: number } = {
  partitions: 6,
  records: env('BENCH_RECORDS', 100_000),
  rate: env('BENCH_RATE', 2000),
  latencySeconds: env('BENCH_LATENCY_SECONDS', 15),
  warmupSeconds: 1,
  drainTimeoutMs: env('BENCH_DRAIN_TIMEOUT_MS', 60_000),
  variants: (process.env.BENCH_VARIANTS ?? 'bare,transport,transactional').split(','),
  target: 0.8,
};

function report(results: VariantResult[], recordBytes: number): Record<string, unknown> {
  console.log(
    `\nkafka-hop: ${config.partitions} partitions, ${config.records.toLocaleString('en-US')} ClaimSubmitted of ${recordBytes} B per drain, ` +
      `latency at ${config.rate} rec/s for ${config.latencySeconds} s (first ${config.warmupSeconds} s left out), broker ${stack.kafkaBrokers}`,
  );
  printHopTable(results);
  console.log(`latency ms, ${LATENCY_DEFINITION}`);
  const ratio = ratioOverBare(results, 'transport');
  if (ratio !== undefined) {
    console.log(
      `throughput ratio transport/bare = ${ratio.toFixed(2)} (target >= ${config.target}: ${ratio >= config.target ? 'met' : 'MISSED'})`,
    );
  }
  const txRatio = ratioOverBare(results, 'transactional');
  if (txRatio !== undefined) console.log(`throughput ratio transactional/bare = ${txRatio.toFixed(2)}`);

  return {
    benchmark: 'kafka-hop',
    at: new Date().toISOString(),
    broker: stack.kafkaBrokers,
    node: process.version,
    config: { ...config, recordBytes },
    latencyDefinition: LATENCY_DEFINITION,
    throughputDefinition:
      'records / (time the last input offset was seen committed, polled every 20 ms - time the relay code got its first record)',
    results,
    ratio: {
      transportOverBare: ratio ?? null,
      transactionalOverBare: txRatio ?? null,
      target: config.target,
      met: ratio !== undefined && ratio >= config.target,
    },
  };
}

async function main(): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const kafka = testKafka('bench-kafka-hop');
  const admin = kafka.admin();
  await admin.connect();
  const load = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await load.connect();
  const scratch = new Scratch(admin);
  const results: VariantResult[] = [];
  try {
    for (const variant of VARIANTS.filter((v) => config.variants.includes(v.name))) {
      results.push(await runVariant(variant, config, runId, admin, kafka, load, scratch));
    }
  } finally {
    await load.disconnect();
    await scratch.deleteAll();
    await admin.disconnect();
  }
  writeResult('kafka-hop', report(results, results[0]?.drain.recordBytes ?? 0));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`kafka-hop benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
