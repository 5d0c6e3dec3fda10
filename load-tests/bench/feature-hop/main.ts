/**
 * feature-hop: what the feature service's hop (decode, Redis feature store pipeline per
 * batch, encode, transactional publish) costs next to a bare kafkajs relay, on the same
 * broker, in one run, with the same kind of varied claims:
 *   1. throughput: N records written in a closed loop that keeps at most a window of them
 *      unseen on the output (the feature service cannot drain a backlog: see the window);
 *   2. latency: records at a fixed rate below capacity; output CreateTime - input CreateTime.
 * The bare relay (the kafka-hop code) runs on throw-away topics; the feature service runs as
 * the built process on claims.submitted.v1 -> claims.enriched.v1 under a fresh consumer group
 * started at the topic's end and a run-unique feature-set version whose Redis keys are
 * deleted at the end. The feature service runs twice: with every claim traced (the default)
 * and with a share of traces kept by OpenTelemetry's parent-based ratio sampler, as a
 * deployment at this rate would run it (BENCH_TRACE_SAMPLE_RATIO, 0.1). The claims it
 * writes stay on claims.submitted.v1 and their enriched records on claims.enriched.v1 (about
 * 62,000 per run and variant; the services' topic names are fixed, so a run cannot use
 * topics of its own). Reports and writes
 * results/bench/feature-hop.json; never fails on the figures.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { stack, testKafka } from '@claims-mesh/testing';
import { fmt, LATENCY_DEFINITION, printHopTable, ratioOverBare, writeResult } from '../kafka-hop/report';
import { BareHop } from './bare-hop';
import { FeatureServiceHop } from './feature-service-hop';
import { printHotSpots } from '../shared/cpu-profile';
import { FeedSettings, HopResult, HopUnderTest, measureHop } from './hop-measurement';
import { variedClaims } from './varied-claims';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config: Omit<FeedSettings, 'claim'> & {
  partitions: number;
  port: number;
  target: number;
  traceSampleRatio: number;
} = {
  /** claims.submitted.v1 has 6 partitions; the bare relay's topics get as many. */
  partitions: 6,
  records: env('BENCH_RECORDS', 50_000),
  /**
   * About 1,000 unseen records per partition. The feature service publishes a partition
   * batch's outputs in one produce request; from a backlog it fetches ~1 MB of input per
   * partition (~4,700 claims), whose enriched outputs (~1.6x the bytes) exceed the broker's
   * 1 MB message.max.bytes, and it retries that batch forever.
   */
  window: env('BENCH_WINDOW', 6000),
  rate: env('BENCH_RATE', 1000),
  latencySeconds: env('BENCH_LATENCY_SECONDS', 10),
  warmupSeconds: 1,
  drainTimeoutMs: env('BENCH_DRAIN_TIMEOUT_MS', 60_000),
  port: env('BENCH_FEATURE_PORT', 13901),
  target: 0.5,
  /** The feature service runs once with every claim traced and once with this share traced. */
  traceSampleRatio: env('BENCH_TRACE_SAMPLE_RATIO', 0.1),
};
/** Set to a directory to have the feature service write a CPU profile there and print its hot spots. */
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;

function report(results: HopResult[], hotSpots: unknown): Record<string, unknown> {
  console.log(
    `\nfeature-hop: ${config.records.toLocaleString('en-US')} varied ClaimSubmitted (~${results[0]?.drain.recordBytes ?? 0} B) per hop, ` +
      `at most ${config.window.toLocaleString('en-US')} unseen; ` +
      `latency at ${config.rate} rec/s for ${config.latencySeconds} s (first ${config.warmupSeconds} s left out), broker ${stack.kafkaBrokers}`,
  );
  printHopTable(results);
  console.log(`latency ms, ${LATENCY_DEFINITION}`);
  for (const r of results) {
    const cores = Object.entries(r.cpuCores).map(([name, c]) => `${name} ${fmt(c, 2)}`);
    console.log(`CPU during the ${r.label}'s closed loop, cores: ${cores.join(', ')}`);
  }
  const ratio = ratioOverBare(results, 'feature');
  const sampledRatio = ratioOverBare(results, 'feature-sampled');
  const bare = results.find((r) => r.name === 'bare');
  for (const feature of results.filter((r) => r.name !== 'bare')) {
    const r = ratioOverBare(results, feature.name);
    if (r === undefined || !bare) continue;
    console.log(
      `throughput ratio ${feature.label} / bare = ${r.toFixed(2)} (${fmt(feature.drain.recordsPerSecond)} / ${fmt(bare.drain.recordsPerSecond)} rec/s; ` +
        `target >= ${config.target}: ${r >= config.target ? 'met' : 'MISSED'})`,
    );
    console.log(
      `p99 hop latency (stamped) at ${config.rate} rec/s: ${feature.label} ${fmt(feature.latency.stampedP99Ms, 1)} ms, bare ${fmt(bare.latency.stampedP99Ms, 1)} ms`,
    );
  }
  return {
    benchmark: 'feature-hop',
    at: new Date().toISOString(),
    broker: stack.kafkaBrokers,
    node: process.version,
    config: {
      ...config,
      claim: 'demo syntheticClaims (many customers, some repeats, a few repeated serials)',
    },
    latencyDefinition: LATENCY_DEFINITION,
    throughputDefinition:
      'closed loop: N records written in chunks of 500 while at most `window` written records are unseen on the output; ' +
      'records / (a read_committed reader saw the last of the N outputs, by key - the first chunk was written). ' +
      'Start-up, group join and 2,000 warm-up records are outside it.',
    results,
    featureServiceHotSpots: hotSpots,
    ratio: {
      featureOverBare: ratio ?? null,
      sampledFeatureOverBare: sampledRatio ?? null,
      traceSampleRatio: config.traceSampleRatio,
      target: config.target,
      met: ratio !== undefined && ratio >= config.target,
    },
  };
}

async function main(): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const kafka = testKafka('bench-feature-hop');
  const admin = kafka.admin();
  await admin.connect();
  const hops: [HopUnderTest, number][] = [
    [new BareHop(admin, runId, config.partitions), 11],
    [new FeatureServiceHop(admin, runId, config.port, PROFILE_DIR), 12],
    [new FeatureServiceHop(admin, runId, config.port + 1, undefined, config.traceSampleRatio), 13],
  ];
  const results: HopResult[] = [];
  try {
    for (const [hop, seed] of hops) {
      const claim = variedClaims(config.records, seed);
      results.push(await measureHop(hop, { ...config, claim }, admin, kafka));
    }
  } finally {
    await admin.disconnect();
  }
  const json = report(results, PROFILE_DIR ? printHotSpots(PROFILE_DIR, 'feature service') : null);
  writeResult('feature-hop', json);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`feature-hop benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
