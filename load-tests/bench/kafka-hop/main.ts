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
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AvroSerde, valueSchema, valueSubject } from '@claims-mesh/contracts';
import { stack, testKafka } from '@claims-mesh/testing';
import { Admin, Kafka, Partitioners, Producer } from 'kafkajs';
import { fillBacklog, percentile, produceAtRate, waitCommitted } from './load';
import { OutputReader } from './output-reader';
import { BareRelay, Relay, TransportRelay } from './relays';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  partitions: 6,
  records: env('BENCH_RECORDS', 100_000),
  rate: env('BENCH_RATE', 2000),
  latencySeconds: env('BENCH_LATENCY_SECONDS', 15),
  /** Samples sent in the first second of the latency phase are left out (fetch sessions settle). */
  warmupSeconds: 1,
  drainTimeoutMs: env('BENCH_DRAIN_TIMEOUT_MS', 60_000),
  variants: (process.env.BENCH_VARIANTS ?? 'bare,transport,transactional').split(','),
  target: 0.8,
};

const LATENCY_DEFINITION =
  'seen: output arrival at a read_committed reader (same process clock) minus the input record CreateTime, set by the load producer at send; ' +
  'stamped: output record CreateTime (set by the relay producer when it builds the send, before ack/commit) minus the input CreateTime';

interface Variant {
  name: string;
  label: string;
  relay(kafka: Kafka, serde: AvroSerde, groupId: string, input: string, output: string): Relay;
}

const VARIANTS: Variant[] = [
  { name: 'bare', label: 'bare kafkajs relay', relay: (k, _s, g, i, o) => new BareRelay(k, g, i, o) },
  {
    name: 'transport',
    label: 'KafkaTransport',
    relay: (k, s, g, i, o) => new TransportRelay(k, s, g, i, o, false),
  },
  {
    name: 'transactional',
    label: 'KafkaTransport (transactional)',
    relay: (k, s, g, i, o) => new TransportRelay(k, s, g, i, o, true),
  },
];

interface VariantResult {
  name: string;
  label: string;
  drain: {
    records: number;
    recordBytes: number;
    batches: number;
    meanBatch: number;
    committed: number;
    complete: boolean;
    seconds: number;
    recordsPerSecond: number;
    startupMs: number;
  };
  latency: {
    sent: number;
    seen: number;
    sampled: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    stampedP50Ms: number;
    stampedP99Ms: number;
  };
}

/** Everything created on the broker and registry, removed at the end whatever happens. */
class Scratch {
  readonly topics: string[] = [];
  readonly groups: string[] = [];

  constructor(private readonly admin: Admin) {}

  async createTopics(names: string[], partitions: number): Promise<void> {
    await this.admin.createTopics({
      topics: names.map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
    this.topics.push(...names);
  }

  async deleteAll(): Promise<void> {
    await this.admin.deleteGroups(this.groups).catch(() => undefined);
    await this.admin
      .deleteTopics({ topics: this.topics })
      .catch((e: Error) => console.warn(`could not delete topics: ${e.message}`));
    // The serde registered `<topic>-value` subjects; soft then hard delete (404 for the never-registered is fine).
    for (const subject of this.topics.map(valueSubject)) {
      const url = `${stack.registryUrl}/subjects/${encodeURIComponent(subject)}`;
      await fetch(url, { method: 'DELETE' }).catch(() => undefined);
      await fetch(`${url}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
    }
  }
}

async function runVariant(
  variant: Variant,
  runId: string,
  admin: Admin,
  kafka: Kafka,
  load: Producer,
  scratch: Scratch,
): Promise<VariantResult> {
  const base = `bench.${runId}.${variant.name}`;
  const [input, output] = [`${base}.in`, `${base}.out`];
  await scratch.createTopics([input, output], config.partitions);
  const loadSerde = AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));
  const recordBytes = await fillBacklog(load, loadSerde, input, config.records);

  // Its own client and serde, as a service would have; every throw-away topic is ClaimSubmitted.
  const relaySerde = AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));
  const groupId = `${base}.relay`;
  scratch.groups.push(groupId);
  const relay = variant.relay(testKafka(`bench-${variant.name}`), relaySerde, groupId, input, output);
  log(`${variant.label}: draining ${config.records} records`);
  const startedAt = Date.now();
  await relay.start();
  const drained = await waitCommitted(admin, groupId, input, config.records, config.drainTimeoutMs);
  const first = relay.firstRecordAt() ?? drained.at;
  const batches = await relay.batches();
  const seconds = Math.max(0.001, (drained.at - first) / 1000);
  const drain = {
    records: config.records,
    recordBytes,
    batches: batches.count,
    meanBatch: batches.count ? batches.records / batches.count : 0,
    committed: drained.committed,
    complete: drained.committed >= config.records,
    seconds,
    recordsPerSecond: drained.committed / seconds,
    startupMs: first - startedAt,
  };

  log(`${variant.label}: ${config.rate} rec/s for ${config.latencySeconds} s`);
  const sentAt = new Map<string, number>();
  const reader = new OutputReader(kafka, output, sentAt);
  scratch.groups.push(reader.groupId);
  await reader.start(admin);
  const phaseStart = Date.now();
  await produceAtRate(load, loadSerde, input, config.rate, config.latencySeconds, sentAt);
  const waitUntil = Date.now() + 15_000;
  while (reader.samples.length < sentAt.size && Date.now() < waitUntil) await sleep(50);
  await reader.stop();
  await relay.stop();

  const kept = reader.samples.filter((s) => s.sentAt >= phaseStart + config.warmupSeconds * 1000);
  const seen = kept.map((s) => s.seenMs).sort((a, b) => a - b);
  const stamped = kept.map((s) => s.stampedMs).sort((a, b) => a - b);
  return {
    name: variant.name,
    label: variant.label,
    drain,
    latency: {
      sent: sentAt.size,
      seen: reader.samples.length,
      sampled: kept.length,
      p50Ms: percentile(seen, 50),
      p99Ms: percentile(seen, 99),
      maxMs: seen[seen.length - 1] ?? NaN,
      stampedP50Ms: percentile(stamped, 50),
      stampedP99Ms: percentile(stamped, 99),
    },
  };
}

function report(results: VariantResult[], recordBytes: number): Record<string, unknown> {
  const bare = results.find((r) => r.name === 'bare');
  const ratioOf = (name: string) => {
    const r = results.find((x) => x.name === name);
    return bare && r ? r.drain.recordsPerSecond / bare.drain.recordsPerSecond : undefined;
  };
  const n = (x: number, digits = 0) =>
    Number.isFinite(x)
      ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
      : '-';
  const rows = [
    [
      'variant',
      'rec/s',
      'drain s',
      'vs bare',
      'batch',
      'seen p50',
      'seen p99',
      'seen max',
      'stamped p50',
      'stamped p99',
      'samples',
      'lost',
    ],
    ...results.map((r) => [
      r.label + (r.drain.complete ? '' : ' (INCOMPLETE)'),
      n(r.drain.recordsPerSecond),
      n(r.drain.seconds, 2),
      n(ratioOf(r.name) ?? NaN, 2),
      n(r.drain.meanBatch),
      n(r.latency.p50Ms, 1),
      n(r.latency.p99Ms, 1),
      n(r.latency.maxMs, 1),
      n(r.latency.stampedP50Ms, 1),
      n(r.latency.stampedP99Ms, 1),
      String(r.latency.sampled),
      String(r.latency.sent - r.latency.seen),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  console.log(
    `\nkafka-hop: ${config.partitions} partitions, ${config.records.toLocaleString('en-US')} ClaimSubmitted of ${recordBytes} B per drain, ` +
      `latency at ${config.rate} rec/s for ${config.latencySeconds} s (first ${config.warmupSeconds} s left out), broker ${stack.kafkaBrokers}`,
  );
  for (const [i, row] of rows.entries()) {
    console.log(
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(`latency ms, ${LATENCY_DEFINITION}`);
  const ratio = ratioOf('transport');
  if (ratio !== undefined) {
    console.log(
      `throughput ratio transport/bare = ${ratio.toFixed(2)} (target >= ${config.target}: ${ratio >= config.target ? 'met' : 'MISSED'})`,
    );
  }
  const txRatio = ratioOf('transactional');
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(`[bench] ${line}`);

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
      results.push(await runVariant(variant, runId, admin, kafka, load, scratch));
    }
  } finally {
    await load.disconnect();
    await scratch.deleteAll();
    await admin.disconnect();
  }
  const json = report(results, results[0]?.drain.recordBytes ?? 0);
  const file = join(__dirname, '..', '..', '..', '..', 'results', 'bench', 'kafka-hop.json');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  console.log(`written ${file}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`kafka-hop benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
