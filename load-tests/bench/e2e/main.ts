/**
 * e2e: claims/s through the whole mesh and p50/p95/p99 end-to-end latency (submission to the
 * decided record's CreateTime on claims.decided.v1) at increasing offered rates, next to a chain
 * of bare relays on the new client (@confluentinc/kafka-javascript's native API) with as many
 * hops on the same broker, driven the same way. At each step it also gives the whole machine's
 * CPU per claim (/proc/stat) and the broker's requests per claim (its JMX request meters, see
 * broker-requests.ts). Prints both pipelines' sustained throughput and their ratio, writes
 * results/bench/e2e.json and a plot of p99 latency against throughput (results/bench/e2e.png).
 * Reports figures; never fails on them.
 *
 * BENCH_RATES (claims/s, default 1000,2000,3500,5000,7000), BENCH_STEP_SECONDS (60),
 * BENCH_CHAIN_EXTRA_STEPS (4: the relay chain steps up by half again past BENCH_RATES while it keeps up),
 * BENCH_BATCH (claims per request/produce, 100), BENCH_DRAIN_SECONDS (30),
 * BENCH_PORT_BASE (13950: services on 13951-13956), BENCH_CPU_PROF_DIR (profile the services),
 * BENCH_TRACE_SAMPLE_RATIOS (1,0.1: the mesh is measured once per ratio; 1 traces every claim, as
 * the local stack runs; 0.1 keeps a tenth of the claims' traces, as a deployment at these rates would).
 * Prints each target of targets.ts as met, MISSED or not established.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaAdmin } from '@claims-mesh/kafka';
import { stack, testKafka } from '@claims-mesh/testing';
import { fmt, printTable, writeResult } from '../kafka-hop/report';
import { log } from '../kafka-hop/variant-run';
import { cpuProfileEnv } from '../shared/cpu-profile';
import { MACHINE_LABEL } from '../shared/stack-cpu';
import { traceSamplingEnv } from '../shared/trace-sampling';
import { BrokerRequests } from './broker-requests';
import { MeshPipeline } from './mesh-pipeline';
import { Pipeline } from './pipeline';
import { rateSteps } from './rate-steps';
import { RelayChainPipeline } from './relay-chain-pipeline';
import { printServiceHotSpots } from './service-profiles';
import { DriveSettings, runStep, StepFigures, warmUp } from './step-run';
import { TARGETS, verdictLine, verdicts } from './targets';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROOT = join(__dirname, '..', '..', '..', '..');
const steps = rateSteps();
const drive: DriveSettings = {
  batchSize: env('BENCH_BATCH', 100),
  maxInFlight: env('BENCH_MAX_IN_FLIGHT', 64),
  drainSeconds: env('BENCH_DRAIN_SECONDS', 30),
  settleSeconds: env('BENCH_SETTLE_SECONDS', 5),
};
const PORT_BASE = env('BENCH_PORT_BASE', 13950);
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;
const TRACE_SAMPLE_RATIOS = (process.env.BENCH_TRACE_SAMPLE_RATIOS ?? '1,0.1').split(',').map(Number);
/** Steps the relay chain may run above BENCH_RATES to find its limit (BENCH_CHAIN_EXTRA_STEPS). */
const CHAIN_EXTRA_STEPS = env('BENCH_CHAIN_EXTRA_STEPS', 4);

interface PipelineResult {
  name: string;
  label: string;
  hops: string[];
  steps: StepFigures[];
  /** The highest decided/s of any step. */
  peakDecidedPerSecond: number;
  /** The offered rate whose claims were not all decided after the drain: the steps stopped there. */
  fellBehindAt: number | null;
}

/** A step's pipeline decided (nearly) all it was offered: its limit lies above that rate. */
const keptUp = (figures: StepFigures) => figures.decidedPerSecond >= 0.95 * figures.offeredPerSecond;

/**
 * Runs the steps of BENCH_RATES until one leaves claims undecided after its drain: that
 * backlog would carry into every later step, which then measures only how it drains (seen:
 * 0 decided/s at 5,000 and 7,000 after the mesh fell behind at 3,500). Then, with
 * `findLimit`, steps up by half again while the pipeline keeps up (at most CHAIN_EXTRA_STEPS
 * more), so the relay chain's limit is measured and not only known to lie above the mesh's rates.
 */
async function measure(pipeline: Pipeline, broker: BrokerRequests | undefined, findLimit = false): Promise<PipelineResult> {
  log(`${pipeline.label}: starting`);
  await pipeline.start();
  try {
    await warmUp(pipeline, { claimsPerSecond: steps[0].claimsPerSecond, seconds: 5 }, drive);
    const figures: StepFigures[] = [];
    let fellBehindAt: number | null = null;
    for (const step of steps) {
      const stepFigures = await runStep(pipeline, step, drive, broker);
      figures.push(stepFigures);
      if (stepFigures.undecided > 0) {
        fellBehindAt = step.claimsPerSecond;
        log(`${pipeline.name}: ${stepFigures.undecided} claims still undecided after the drain; no higher rate is run`);
        break;
      }
    }
    for (let extra = 0; findLimit && !fellBehindAt && extra < CHAIN_EXTRA_STEPS && keptUp(figures[figures.length - 1]); extra++) {
      const last = figures[figures.length - 1];
      const step = { claimsPerSecond: Math.round((last.offeredPerSecond * 1.5) / 500) * 500, seconds: last.seconds };
      figures.push(await runStep(pipeline, step, drive, broker));
    }
    return {
      name: pipeline.name,
      label: pipeline.label,
      hops: pipeline.hops,
      steps: figures,
      peakDecidedPerSecond: Math.max(...figures.map((f) => f.decidedPerSecond)),
      fellBehindAt,
    };
  } finally {
    await pipeline.stop();
  }
}

const ms = (x: number | null) => (x === null ? '>drain' : fmt(x));

function printResults(results: PipelineResult[]): void {
  printTable([
    [
      'pipeline',
      'offered/s',
      'decided/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'accepted',
      'undecided',
      '429',
      'skipped',
      'failed',
      'CPU ms/claim',
      'broker req/claim',
    ],
    ...results.flatMap((r) =>
      r.steps.map((s) => [
        r.name,
        fmt(s.offeredPerSecond),
        fmt(s.decidedPerSecond),
        ms(s.p50Ms),
        ms(s.p95Ms),
        ms(s.p99Ms),
        ms(s.maxMs),
        fmt(s.accepted),
        fmt(s.undecided),
        fmt(s.refused),
        fmt(s.skipped),
        fmt(s.failed),
        fmt(s.machineCpuMsPerClaim ?? NaN, 3),
        fmt(s.brokerRequestsPerClaim ?? NaN, 2),
      ]),
    ),
  ]);
}

/** Where the mesh's time went at each rate, hop by hop, from the stage times a sample of decisions carry. */
function printHops(result: PipelineResult): void {
  const names = Object.keys(result.steps.find((s) => s.hops)?.hops ?? {});
  if (names.length === 0) return;
  console.log(`\n${result.name}: time per hop, p50 / p99 ms (a sample of the decided claims)`);
  printTable([
    ['offered/s', ...names],
    ...result.steps.map((s) => [
      fmt(s.offeredPerSecond),
      ...names.map((n) => (s.hops?.[n] ? `${fmt(s.hops[n].p50Ms)} / ${fmt(s.hops[n].p99Ms)}` : '-')),
    ]),
  ]);
}

/** Cores each process used during each step: what a step's load costs, and where the machine's two cores went. */
function printCpu(result: PipelineResult): void {
  const names = Object.keys(result.steps.find((s) => s.cpuCores)?.cpuCores ?? {});
  if (names.length === 0) return;
  console.log(`\n${result.name}: CPU during each step's load, cores`);
  printTable([
    ['offered/s', ...names, 'sum', MACHINE_LABEL],
    ...result.steps.map((s) => {
      const cores = names.map((n) => s.cpuCores?.[n] ?? NaN);
      return [
        fmt(s.offeredPerSecond),
        ...cores.map((c) => fmt(c, 2)),
        fmt(cores.filter(Number.isFinite).reduce((a, b) => a + b, 0), 2),
        fmt(s.machineCores ?? NaN, 2),
      ];
    }),
  ]);
}

/** Kafka transactions per second of each exactly-once service at each rate: they should follow the commit interval, not the load. */
function printTransactions(result: PipelineResult): void {
  const names = Object.keys(result.steps.find((s) => s.transactionsPerSecond)?.transactionsPerSecond ?? {});
  if (names.length === 0) return;
  console.log(`\n${result.name}: Kafka transactions per second while each step's load ran`);
  printTable([
    ['offered/s', ...names],
    ...result.steps.map((s) => [fmt(s.offeredPerSecond), ...names.map((n) => fmt(s.transactionsPerSecond?.[n] ?? NaN, 1))]),
  ]);
}

/** The broker's requests per claim at each rate, by request type (the types that make up a tenth of a request per claim or more). */
function printRequests(result: PipelineResult): void {
  const totals = new Map<string, number>();
  for (const s of result.steps) {
    for (const [name, n] of Object.entries(s.brokerRequests ?? {})) totals.set(name, (totals.get(name) ?? 0) + n / Math.max(1, s.accepted));
  }
  const names = [...totals].filter(([, perClaim]) => perClaim / result.steps.length >= 0.1).sort((a, b) => b[1] - a[1]).map(([name]) => name);
  if (names.length === 0) return;
  console.log(`\n${result.name}: broker requests per claim by type (from the step's start until its claims came out)`);
  printTable([
    ['offered/s', ...names, 'all'],
    ...result.steps.map((s) => [
      fmt(s.offeredPerSecond),
      ...names.map((n) => fmt((s.brokerRequests?.[n] ?? 0) / Math.max(1, s.accepted), 2)),
      fmt(s.brokerRequestsPerClaim ?? NaN, 2),
    ]),
  ]);
}

function plot(jsonFile: string): string | undefined {
  const python = join(ROOT, '.cache', 'plot-venv', 'bin', 'python');
  const png = jsonFile.replace(/\.json$/, '.png');
  if (!existsSync(python)) {
    console.warn(`no plot: ${python} is missing (make bench installs matplotlib there)`);
    return undefined;
  }
  const run = spawnSync(python, [join(ROOT, 'load-tests', 'bench', 'e2e', 'plot.py'), jsonFile, png], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.warn(`plot failed: ${run.stderr}`);
    return undefined;
  }
  console.log(`written ${png}`);
  return png;
}

async function main(): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const admin: KafkaAdmin = testKafka('bench-e2e').admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicOffsets('claims.submitted.v1')).length;
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  log(
    `steps ${steps.map((s) => `${s.claimsPerSecond}/s`).join(', ')}, ${steps[0].seconds} s each, ` +
      `${drive.batchSize} claims per request; ${partitions} partitions per topic; broker ${stack.kafkaBrokers}; ` +
      `the mesh is measured ${TRACE_SAMPLE_RATIOS.map((r) => (r < 1 ? `tracing ${r * 100} % of claims` : 'tracing every claim')).join(', then ')}`,
  );
  const broker = await BrokerRequests.open();
  try {
    const meshes: { ratio: number; result: PipelineResult }[] = [];
    for (const ratio of TRACE_SAMPLE_RATIOS) {
      const name = ratio < 1 ? `mesh ${ratio * 100}%` : 'mesh';
      // Profiles of the first run only: one per service, found by service in PROFILE_DIR.
      const env = { ...cpuProfileEnv(meshes.length === 0 ? PROFILE_DIR : undefined), ...traceSamplingEnv(ratio) };
      meshes.push({ ratio, result: await measure(new MeshPipeline(name, admin, PORT_BASE, drive.batchSize, env), broker) });
    }
    const chain = await measure(new RelayChainPipeline(admin, runId, partitions), broker, true);
    const peakMesh = Math.max(...meshes.map((m) => m.result.peakDecidedPerSecond));
    const ratio = peakMesh / chain.peakDecidedPerSecond;
    const chainLimitFound = !keptUp(chain.steps[chain.steps.length - 1]);
    const results = verdicts(meshes, ratio, chainLimitFound);

    console.log(
      `\ne2e: open-loop load at each rate for ${steps[0].seconds} s; latency = batch sent -> first decided record's CreateTime ` +
        `(the relay chain: its last topic); figures of the first ${drive.settleSeconds} s of each step left out`,
    );
    printResults([...meshes.map((m) => m.result), chain]);
    for (const { result } of meshes) console.log(`${`${result.name} throughput:`.padEnd(24)}${fmt(result.peakDecidedPerSecond)} decided claims/s (best step)`);
    console.log(
      `relay chain throughput: ${fmt(chain.peakDecidedPerSecond)} records/s (best step)` +
        (chainLimitFound ? '' : `: it kept up with the top offered rate, so its limit is higher and the mesh / chain ratio is an upper bound`),
    );
    console.log('\ntargets:');
    for (const verdict of results) console.log(`  ${verdictLine(verdict)}`);
    for (const { result } of meshes) {
      printHops(result);
      printCpu(result);
      printTransactions(result);
      printRequests(result);
    }
    printCpu(chain);
    printRequests(chain);
    const hotSpots = PROFILE_DIR ? printServiceHotSpots(PROFILE_DIR) : null;

    const json = {
      benchmark: 'e2e',
      at: new Date().toISOString(),
      broker: stack.kafkaBrokers,
      node: process.version,
      config: { steps, drive, partitions, traceSampleRatios: TRACE_SAMPLE_RATIOS },
      definition:
        'open loop: each step offers claimsPerSecond in batches (mesh: POST /v1/claims/batch to ingest; relay chain: a send to its first topic); ' +
        "decided/s = the step's claims whose first decided record (CreateTime) falls in the step after its settle time, per second; " +
        'latency = batch send -> that CreateTime for claims sent after the settle time, undecided after the drain counting as infinite (null percentile); ' +
        "machineCpuMsPerClaim = the whole machine's busy CPU (/proc/stat) while the step's load ran / claims accepted in the step; " +
        "brokerRequestsPerClaim = requests the broker answered (JMX RequestsPerSec Count, all types, Fetch's FetchConsumer/FetchFollower sub-counts left out) " +
        "from the step's start until its claims came out / claims accepted in the step",
      meshes: meshes.map(({ ratio: traceSampleRatio, result }) => ({ traceSampleRatio, ...result })),
      relayChain: chain,
      ratio,
      targets: TARGETS,
      verdicts: results,
      hotSpots,
    };
    writeResult('e2e', json);
    plot(join(ROOT, 'results', 'bench', 'e2e.json'));
  } finally {
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`e2e benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
