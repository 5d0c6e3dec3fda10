/**
 * ingest-http: claims/s through the ingest HTTP path (POST /v1/claims/batch: JSON parse,
 * validation, Avro encode, publish to claims.submitted.v1 with acks=all, 202 after the ack)
 * with the built ingest service as a real process, driven by a closed loop of concurrent
 * keep-alive connections. Next to it, the bare relay's records/s (kafka-hop's, on the new client's native API) from a short drain
 * in the same run, for a feel of what the broker allows right now. The accepted claims stay
 * on claims.submitted.v1 (ingest's topic is fixed: some 300,000+ per run at 15,000 claims/s).
 * Reports and writes results/bench/ingest-http.json; never fails on the figures.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { stack, testKafka, testProducer } from '@claims-mesh/testing';
import { fmt, printTable, writeResult } from '../kafka-hop/report';
import { HopSettings, log, runVariant, Scratch, variantNamed, VariantResult } from '../kafka-hop/variant-run';
import { printHotSpots } from '../shared/cpu-profile';
import { claimBatchBodies } from './claim-batches';
import { HttpLoadResult, runHttpLoad } from './http-load';
import { IngestService } from './ingest-service';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  claimsPerRequest: env('BENCH_BATCH', 500),
  /** Distinct bodies sent in turn (each claim gets fresh ids from ingest anyway). */
  bodies: 40,
  connections: env('BENCH_CONNECTIONS', 4),
  warmupSeconds: env('BENCH_WARMUP_SECONDS', 3),
  seconds: env('BENCH_SECONDS', 20),
  port: env('BENCH_INGEST_PORT', 13902),
  target: 5000,
};
const REFERENCE: HopSettings = {
  partitions: 6,
  records: env('BENCH_RELAY_RECORDS', 30_000),
  rate: 0,
  latencySeconds: 0,
  warmupSeconds: 0,
  drainTimeoutMs: 60_000,
};
/** Set to a directory to have ingest write a CPU profile there and print its hot spots. */
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;

interface IngestFigures extends HttpLoadResult {
  bodyBytes: number;
  ingestCpuCores: number;
}

/** The bare relay's drain on throw-away topics, everything it created removed before ingest starts. */
async function bareRelayReference(runId: string): Promise<VariantResult> {
  const kafka = testKafka('bench-ingest-http');
  const admin = kafka.admin();
  const load = testProducer(kafka);
  await Promise.all([admin.connect(), load.connect()]);
  const scratch = new Scratch(admin);
  try {
    return await runVariant(variantNamed('bare'), REFERENCE, runId, admin, load, scratch);
  } finally {
    await load.disconnect();
    await scratch.deleteAll();
    await admin.disconnect();
  }
}

async function measureIngest(runId: string): Promise<IngestFigures> {
  const admin = testKafka('bench-ingest-http').admin();
  await admin.connect();
  const ingest = new IngestService(admin, runId, config.port, PROFILE_DIR);
  try {
    await ingest.start();
    const bodies = claimBatchBodies(config.bodies, config.claimsPerRequest);
    const load = {
      url: ingest.url('/v1/claims/batch'),
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-ingest-key' },
      bodies,
      claimsPerBody: config.claimsPerRequest,
      connections: config.connections,
    };
    log(
      `ingest: ${config.warmupSeconds} s warm-up, then ${config.seconds} s on ${config.connections} connections`,
    );
    await runHttpLoad({ ...load, seconds: config.warmupSeconds });
    const cpuBefore = await ingest.cpuSeconds();
    const result = await runHttpLoad({ ...load, seconds: config.seconds });
    const cpuAfter = await ingest.cpuSeconds();
    return {
      ...result,
      bodyBytes: Buffer.byteLength(bodies[0]),
      ingestCpuCores: (cpuAfter - cpuBefore) / config.seconds,
    };
  } finally {
    await ingest.stop();
    await admin.disconnect();
  }
}

function report(ingest: IngestFigures, bare: VariantResult, hotSpots: unknown): Record<string, unknown> {
  console.log(
    `\ningest-http: POST /v1/claims/batch with ${config.claimsPerRequest} claims (${fmt(ingest.bodyBytes / 1024)} KiB) per request, ` +
      `${config.connections} keep-alive connections, ${config.seconds} s after ${config.warmupSeconds} s warm-up; ` +
      `MAX_DOWNSTREAM_LAG=${IngestService.OVERRIDES.MAX_DOWNSTREAM_LAG} (no feature service drains the bench's claims); broker ${stack.kafkaBrokers}`,
  );
  const statuses = Object.entries(ingest.statuses)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  printTable([
    ['path', 'claims/s', 'req/s', 'p50 ms', 'p99 ms', 'max ms', '429', 'errors', 'ingest CPU cores'],
    [
      'ingest HTTP -> Kafka',
      fmt(ingest.claimsPerSecond),
      fmt(ingest.requestsPerSecond, 1),
      fmt(ingest.p50Ms, 1),
      fmt(ingest.p99Ms, 1),
      fmt(ingest.maxMs, 1),
      String(ingest.tooManyRequests),
      String(ingest.errors),
      fmt(ingest.ingestCpuCores, 2),
    ],
  ]);
  console.log(
    `answers: ${statuses || 'none'}${ingest.firstError ? `; first failure: ${ingest.firstError}` : ''}`,
  );
  console.log(
    `bare relay (new client), same run (reference): ${fmt(bare.drain.recordsPerSecond)} rec/s draining ${fmt(bare.drain.records)} records` +
      (bare.drain.complete ? '' : ' (INCOMPLETE)'),
  );
  const met = ingest.claimsPerSecond >= config.target;
  console.log(
    `ingest claims/s = ${fmt(ingest.claimsPerSecond)} (target >= ${fmt(config.target)}: ${met ? 'met' : 'MISSED'}); ` +
      `${fmt(ingest.claimsPerSecond / bare.drain.recordsPerSecond, 2)} of the bare relay's rec/s`,
  );
  return {
    benchmark: 'ingest-http',
    at: new Date().toISOString(),
    broker: stack.kafkaBrokers,
    node: process.version,
    config: { ...config, reference: REFERENCE, ingestOverrides: IngestService.OVERRIDES },
    definition:
      'closed loop of `connections` workers over Node fetch (keep-alive); claims/s = claims in 202 answers received within the window / window; ' +
      'latency = request sent to answer body read; ingest CPU from its process_cpu_seconds_total over the window',
    ingest,
    bareRelayReference: bare,
    ingestHotSpots: hotSpots,
    target: { claimsPerSecond: config.target, met },
  };
}

async function main(): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const bare = await bareRelayReference(runId);
  const ingest = await measureIngest(runId);
  const hotSpots = PROFILE_DIR ? printHotSpots(PROFILE_DIR, 'ingest') : null;
  writeResult('ingest-http', report(ingest, bare, hotSpots));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`ingest-http benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
