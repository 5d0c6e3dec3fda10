/**
 * kafka-hop: what one hop costs on @confluentinc/kafka-javascript (librdkafka), on the same
 * broker, in one run: a bare relay on the client's native API (consume a batch across
 * partitions -> produce -> commit once acknowledged), the project's KafkaTransport
 * (at-least-once) and the transactional transport (one transaction per commit interval), next
 * to the kafkajs relay the project used before (kept as a reference, kafkajs-reference-relay.ts).
 * Each variant gets fresh 6-partition topics and runs in a process of its own:
 *   1. throughput: a backlog of N ClaimSubmitted records is written, the relay is started, and
 *      N / (last input committed - first record reached the relay) is reported, with the CPU
 *      the relay process and the broker spent per record while it drained;
 *   2. latency: with the relay still running, records are produced at a fixed rate below its
 *      capacity (BENCH_RATE, 2,000/s) and a read_committed reader of the output computes
 *      per-record hop latency; CPU per record again, at that rate.
 * BENCH_RECORDS (100,000), BENCH_RATE, BENCH_LATENCY_SECONDS (15), BENCH_VARIANTS
 * (bare,transport,transactional,kafkajs; kafkajs-transactional also exists).
 * Then the cost of encrypting personal data per claim (encryption-cost.ts): a producer
 * publishing claims as ingest does, sealing on encode or not, and a hop opening and reading
 * them as feature does, sealed or plain, on the stack's Redis (the real SubjectKeyStore) and
 * Kafka: BENCH_PII_RECORDS (30,000 claims per stage and mode), BENCH_PII_BATCH (500 claims per
 * publish), BENCH_PII_ROUNDS (1; 0 leaves it out).
 * It reports and writes results/bench/kafka-hop.json; it never fails on the figures.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { stack, testKafka, testProducer } from '@claims-mesh/testing';
import { EncryptionRun, EncryptionSettings, measureEncryption, reportEncryption } from './encryption-cost';
import { CPU_DEFINITION, fmt, LATENCY_DEFINITION, printHopTable, ratioOverBare, writeResult } from './report';
import { HopSettings, runVariant, Scratch, VariantResult, VARIANTS } from './variant-run';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config: HopSettings & { variants: string[]; target: number } = {
  partitions: 6,
  records: env('BENCH_RECORDS', 100_000),
  rate: env('BENCH_RATE', 2000),
  latencySeconds: env('BENCH_LATENCY_SECONDS', 15),
  warmupSeconds: 1,
  drainTimeoutMs: env('BENCH_DRAIN_TIMEOUT_MS', 60_000),
  variants: (process.env.BENCH_VARIANTS ?? 'bare,transport,transactional,kafkajs').split(','),
  target: 0.8,
};
const encryptionSettings: EncryptionSettings = {
  partitions: config.partitions,
  records: env('BENCH_PII_RECORDS', 30_000),
  batch: env('BENCH_PII_BATCH', 500),
  rounds: env('BENCH_PII_ROUNDS', 1),
  drainTimeoutMs: config.drainTimeoutMs,
};

function report(results: VariantResult[], recordBytes: number, encryption: EncryptionRun | undefined): Record<string, unknown> {
  console.log(
    `\nkafka-hop: ${config.partitions} partitions, ${config.records.toLocaleString('en-US')} ClaimSubmitted of ${recordBytes} B per drain, ` +
      `latency at ${config.rate} rec/s for ${config.latencySeconds} s (first ${config.warmupSeconds} s left out), broker ${stack.kafkaBrokers}`,
  );
  printHopTable(results);
  console.log(`latency ms, ${LATENCY_DEFINITION}`);
  console.log(CPU_DEFINITION);
  const ratio = ratioOverBare(results, 'transport');
  if (ratio !== undefined) {
    console.log(
      `throughput ratio transport/bare = ${ratio.toFixed(2)} (target >= ${config.target}: ${ratio >= config.target ? 'met' : 'MISSED'})`,
    );
  }
  const txRatio = ratioOverBare(results, 'transactional');
  if (txRatio !== undefined) console.log(`throughput ratio transactional/bare = ${txRatio.toFixed(2)}`);
  const bare = results.find((r) => r.name === 'bare');
  const kafkajs = results.find((r) => r.name === 'kafkajs');
  const cpuOf = (r: VariantResult | undefined, phase: 'drain' | 'latency') => {
    const cpu = r?.[phase].cpu;
    return cpu ? cpu.hopUs + cpu.brokerUs : NaN;
  };
  if (bare && kafkajs) {
    console.log(
      `bare relay, new client / kafkajs: throughput ${fmt(bare.drain.recordsPerSecond / kafkajs.drain.recordsPerSecond, 2)}, ` +
        `CPU per record hop + broker ${fmt(cpuOf(bare, 'drain') / cpuOf(kafkajs, 'drain'), 2)} draining, ` +
        `${fmt(cpuOf(bare, 'latency') / cpuOf(kafkajs, 'latency'), 2)} at ${config.rate} rec/s`,
    );
  }

  const encryptionFigures = encryption ? reportEncryption(encryption) : null;

  return {
    benchmark: 'kafka-hop',
    at: new Date().toISOString(),
    broker: stack.kafkaBrokers,
    node: process.version,
    config: { ...config, recordBytes },
    latencyDefinition: LATENCY_DEFINITION,
    cpuDefinition: CPU_DEFINITION,
    throughputDefinition:
      'records / (time the last input offset was seen committed, polled every 20 ms - time the relay code got its first record)',
    results,
    ratio: {
      transportOverBare: ratio ?? null,
      transactionalOverBare: txRatio ?? null,
      target: config.target,
      met: ratio !== undefined && ratio >= config.target,
    },
    encryption: encryptionFigures,
  };
}

async function main(): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const kafka = testKafka('bench-kafka-hop');
  const admin = kafka.admin();
  await admin.connect();
  const load = testProducer(kafka);
  await load.connect();
  const scratch = new Scratch(admin);
  const results: VariantResult[] = [];
  let encryption: EncryptionRun | undefined;
  try {
    for (const variant of VARIANTS.filter((v) => config.variants.includes(v.name))) {
      results.push(await runVariant(variant, config, runId, admin, load, scratch));
    }
    if (encryptionSettings.rounds > 0) encryption = await measureEncryption(encryptionSettings, runId, scratch);
  } finally {
    await load.disconnect();
    await scratch.deleteAll();
    await admin.disconnect();
  }
  writeResult('kafka-hop', report(results, results[0]?.drain.recordBytes ?? 0, encryption));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`kafka-hop benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
