/**
 * gateway: what batching buys on the two Triton shards, in one run, with the same synthetic
 * claims (infra/models/claims_data.py, a seed the models were not trained on) and the
 * gateway's own classes (router, breakers, executors, AIMD batcher, cascade scorer):
 *   (a) one claim at a time, batch size 1;
 *   (b) unbatched: batch size 1 with several claims in flight;
 *   (c) each static batch size, under the same closed-loop load as (d);
 *   (d) the adaptive batcher at LATENCY_SLO_MS, under that load, then open-loop load that
 *       steps up from a low rate through higher ones, to show up to which rate it holds the SLO;
 * and the cascade: the share of claims sent to the teacher and how often its decisions agree
 * with the teacher's alone. Throughput is claims scored per second; latency is per claim, from
 * submission to score. It reports and writes results/bench/gateway.json; it never fails on the figures.
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { GatewayConfig, SERVICE } from '@claims-mesh/inference-gateway';
import { validateConfig } from '@claims-mesh/platform';
import { fmt, printTable, writeResult } from '../kafka-hop/report';
import { log } from '../kafka-hop/variant-run';
import { CascadeFigures, measureCascade } from './cascade';
import { claimRows } from './claim-rows';
import { GatewayParts } from './gateway-parts';
import { closedLoop, LoadFigures, RatePhaseFigures, ScoreClaim, steppedRate } from './offered-load';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

// The gateway's configuration from the same variables the service reads (TRITON_SHARDS,
// LATENCY_SLO_MS, MAX_BATCH_SIZE, MAX_CONCURRENT_BATCHES, ...); the bench measures the main
// path, so no canary share.
const gateway = validateConfig(GatewayConfig, { PORT: SERVICE.port }, { ...process.env, CANARY_WEIGHT: '0' });

const config = {
  claims: env('BENCH_CLAIMS', 20_000),
  seed: env('BENCH_SEED', 7),
  seconds: env('BENCH_SECONDS', 5),
  warmupSeconds: env('BENCH_WARMUP_SECONDS', 1),
  /** Claims in flight for (c) and (d): enough to fill every batch slot at the largest batch size. */
  inFlight: env('BENCH_IN_FLIGHT', gateway.MAX_BATCH_SIZE * gateway.MAX_CONCURRENT_BATCHES),
  /** Claims in flight for (b): unbatched, more only lengthen Triton's queue. */
  unbatchedInFlight: env('BENCH_UNBATCHED_IN_FLIGHT', 64),
  staticSizes: (process.env.BENCH_STATIC_SIZES ?? '8,16,32,64,128,256')
    .split(',')
    .map(Number)
    .filter((size) => size <= gateway.MAX_BATCH_SIZE),
  /** The step-up's rates, one after the other, as shares of (d)'s closed-loop throughput. */
  stepShares: (process.env.BENCH_STEP_SHARES ?? '0.05,0.25,0.5,0.75').split(',').map(Number),
  stepSeconds: env('BENCH_STEP_SECONDS', 3),
  targets: {
    adaptiveOverSequential: 8,
    adaptiveOverBestStatic: 0.9,
    teacherShare: 0.3,
    agreementWithTeacher: 0.99,
  },
};

type VariantFigures = LoadFigures & { name: string; label: string; inFlight: number; meanBatch: number };

/** One closed-loop variant on gateway parts of its own. */
async function variant(
  name: string,
  label: string,
  inFlight: number,
  rows: Float32Array[],
  scorer: (parts: GatewayParts) => ScoreClaim,
): Promise<VariantFigures> {
  const parts = new GatewayParts(gateway);
  try {
    log(`${label}: ${inFlight} in flight for ${config.warmupSeconds} + ${config.seconds} s`);
    const figures = await closedLoop(scorer(parts), rows, {
      inFlight,
      seconds: config.seconds,
      warmupSeconds: config.warmupSeconds,
    });
    const meanBatch = await parts.meanBatchSize();
    return { name, label, inFlight, meanBatch: Number.isNaN(meanBatch) ? 1 : meanBatch, ...figures };
  } finally {
    parts.close();
  }
}

/**
 * (d) on fresh parts, channels connected: the AIMD starts from its initial size at the low
 * rate, then the rate steps up with no pause.
 */
async function stepUp(
  rows: Float32Array[],
  capacity: number,
): Promise<{ phases: RatePhaseFigures[]; finalBatchLimit: number }> {
  const parts = new GatewayParts(gateway);
  try {
    await parts.connect();
    const { score, batcher } = parts.adaptive();
    const phases = config.stepShares.map((share) => ({
      name: `${fmt(share * 100)} % of (d)`,
      claimsPerSecond: Math.round(capacity * share),
      seconds: config.stepSeconds,
    }));
    log(
      `adaptive step-up: ${phases.map((p) => `${fmt(p.claimsPerSecond)}/s for ${p.seconds} s`).join(', then ')}`,
    );
    return {
      phases: await steppedRate(score, rows, phases),
      finalBatchLimit: batcher.controller.maxBatchSize,
    };
  } finally {
    parts.close();
  }
}

async function cascade(rows: Float32Array[]): Promise<CascadeFigures> {
  const parts = new GatewayParts(gateway);
  try {
    log(`cascade: ${fmt(rows.length)} claims by the student, the teacher and the cascade`);
    return await measureCascade(parts, rows);
  } finally {
    parts.close();
  }
}

const withinSlo = (ms: number) => ms <= gateway.LATENCY_SLO_MS;
const yesNo = (ok: boolean) => (ok ? 'yes' : 'NO');
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

function report(
  variants: VariantFigures[],
  adaptive: VariantFigures,
  step: Awaited<ReturnType<typeof stepUp>>,
  cascadeFigures: CascadeFigures,
  loadBefore: number[],
): Record<string, unknown> {
  const sequential = variants[0];
  const statics = variants.filter((v) => v.name.startsWith('static-'));
  const bestStatic = statics.reduce(
    (best, v) => (v.claimsPerSecond > best.claimsPerSecond ? v : best),
    statics[0],
  );
  const overSequential = adaptive.claimsPerSecond / sequential.claimsPerSecond;
  const overBestStatic = bestStatic ? adaptive.claimsPerSecond / bestStatic.claimsPerSecond : NaN;
  // The SLO is judged on the open-loop step: in a closed loop every claim also waits behind
  // the others in flight (in flight / throughput, by Little's law), whatever the batcher does.
  const held = (p: RatePhaseFigures) => withinSlo(p.p99Ms) && p.failed === 0;
  const firstMissed = step.phases.findIndex((p) => !held(p));
  const heldPhases = firstMissed < 0 ? step.phases : step.phases.slice(0, firstMissed);
  /** The highest rate reached with every step so far within the SLO: (d)'s throughput at the SLO. */
  const atSlo = heldPhases[heldPhases.length - 1];
  const atSloOverSequential = atSlo ? atSlo.claimsPerSecond / sequential.claimsPerSecond : NaN;
  const missed = firstMissed < 0 ? undefined : step.phases[firstMissed];
  const { targets } = config;

  console.log(
    `\ngateway: ${fmt(config.claims)} synthetic claims (seed ${config.seed}), student ${gateway.STUDENT_MODEL}:${gateway.MODEL_VERSION} ` +
      `on ${gateway.TRITON_SHARDS}, LATENCY_SLO_MS ${gateway.LATENCY_SLO_MS}, MAX_BATCH_SIZE ${gateway.MAX_BATCH_SIZE}, ` +
      `MAX_CONCURRENT_BATCHES ${gateway.MAX_CONCURRENT_BATCHES}; closed loops ${config.seconds} s after ${config.warmupSeconds} s warm-up; ` +
      `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log('closed loops: each claim in flight is followed by the next as soon as it is scored');
  printTable([
    [
      'variant',
      'in flight',
      'mean batch',
      'claims/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'failed',
      `p99 <= ${gateway.LATENCY_SLO_MS} ms`,
    ],
    ...[...variants, adaptive].map((v) => [
      v.label,
      String(v.inFlight),
      fmt(v.meanBatch, 1),
      fmt(v.claimsPerSecond),
      fmt(v.p50Ms, 1),
      fmt(v.p99Ms, 1),
      fmt(v.maxMs, 1),
      String(v.failed),
      yesNo(withinSlo(v.p99Ms)),
    ]),
  ]);
  console.log(
    `\n(d) step-up, open loop (latency from each claim's due time); AIMD batch limit at the end ${step.finalBatchLimit}`,
  );
  printTable([
    [
      'phase',
      'offered/s',
      'scored/s',
      'p50 ms',
      'p99 ms',
      'p99 1st s',
      'max ms',
      'failed',
      `p99 <= ${gateway.LATENCY_SLO_MS} ms`,
    ],
    ...step.phases.map((p) => [
      p.name,
      fmt(p.offeredPerSecond),
      fmt(p.claimsPerSecond),
      fmt(p.p50Ms, 1),
      fmt(p.p99Ms, 1),
      fmt(p.firstSecondP99Ms, 1),
      fmt(p.maxMs, 1),
      String(p.failed),
      yesNo(withinSlo(p.p99Ms)),
    ]),
  ]);
  console.log(
    `\n(d)/(a) throughput, closed loops = ${fmt(overSequential, 1)}x (target >= ${targets.adaptiveOverSequential}x: ${met(overSequential >= targets.adaptiveOverSequential)})`,
  );
  console.log(
    `(d)/best static (${bestStatic?.label}) = ${fmt(overBestStatic, 2)} (target >= ${targets.adaptiveOverBestStatic}: ${met(overBestStatic >= targets.adaptiveOverBestStatic)})`,
  );
  console.log(
    `(d) step-up: p99 within LATENCY_SLO_MS ${gateway.LATENCY_SLO_MS} ms ` +
      (atSlo ? `up to ${fmt(atSlo.claimsPerSecond)} claims/s (${atSlo.name})` : 'at no rate') +
      (missed
        ? `, not at ${fmt(missed.offeredPerSecond)}/s (${missed.name}: p99 ${fmt(missed.p99Ms, 1)} ms)`
        : ', at every step') +
      `; (d) at the SLO / (a) = ${fmt(atSloOverSequential, 1)}x (target >= ${targets.adaptiveOverSequential}x: ${met(atSloOverSequential >= targets.adaptiveOverSequential)})`,
  );
  const c = cascadeFigures;
  console.log(
    `\ncascade (band ${c.band[0]}-${c.band[1]}, ${fmt(c.claims)} claims, ${fmt(c.claimsPerSecond)} claims/s): ` +
      `teacher share ${fmt(c.teacherShare * 100, 2)} % (student-only in band ${fmt(c.studentInBandShare * 100, 2)} %; target <= ${targets.teacherShare * 100} %: ${met(c.teacherShare <= targets.teacherShare)}), ` +
      `agreement with teacher-only at ${c.threshold}: ${fmt(c.agreementWithTeacher * 100, 2)} % (target >= ${targets.agreementWithTeacher * 100} %: ${met(c.agreementWithTeacher >= targets.agreementWithTeacher)}; ` +
      `student alone ${fmt(c.studentOnlyAgreementWithTeacher * 100, 2)} %); flagged: teacher ${fmt(c.flaggedShare.teacherOnly * 100, 2)} %, ` +
      `student ${fmt(c.flaggedShare.studentOnly * 100, 2)} %, cascade ${fmt(c.flaggedShare.cascade * 100, 2)} %`,
  );

  return {
    benchmark: 'gateway',
    at: new Date().toISOString(),
    node: process.version,
    loadAverageBefore: loadBefore,
    gateway: {
      TRITON_SHARDS: gateway.TRITON_SHARDS,
      TRITON_TIMEOUT_MS: gateway.TRITON_TIMEOUT_MS,
      LATENCY_SLO_MS: gateway.LATENCY_SLO_MS,
      MAX_BATCH_SIZE: gateway.MAX_BATCH_SIZE,
      MAX_CONCURRENT_BATCHES: gateway.MAX_CONCURRENT_BATCHES,
      model: `${gateway.STUDENT_MODEL}:${gateway.MODEL_VERSION}`,
      teacher: `${gateway.TEACHER_MODEL}:${gateway.MODEL_VERSION}`,
      uncertainBand: [gateway.UNCERTAIN_LOW, gateway.UNCERTAIN_HIGH],
    },
    config,
    definitions: {
      throughput:
        'closed loop: claims whose score came back within the measured window / window seconds (warm-up left out)',
      latency:
        'per claim, from the call that submitted its row to the resolution of its score (queue wait + Triton round trip)',
      static:
        "the gateway's AdaptiveBatcher with its AimdController pinned at the size (no increase, no decrease)",
      stepLatency: 'open loop: from the time the claim was due at the offered rate to its score',
    },
    variants: [...variants, adaptive],
    stepUp: step,
    cascade: cascadeFigures,
    ratios: {
      adaptiveOverSequential: {
        value: overSequential,
        target: targets.adaptiveOverSequential,
        met: overSequential >= targets.adaptiveOverSequential,
      },
      adaptiveOverBestStatic: {
        value: overBestStatic,
        bestStatic: bestStatic?.name ?? null,
        target: targets.adaptiveOverBestStatic,
        met: overBestStatic >= targets.adaptiveOverBestStatic,
      },
      stepUpHeldSlo: {
        everyStep: missed === undefined,
        upToClaimsPerSecond: atSlo?.claimsPerSecond ?? null,
        firstMissedOfferedPerSecond: missed?.offeredPerSecond ?? null,
        sloMs: gateway.LATENCY_SLO_MS,
      },
      adaptiveAtSloOverSequential: {
        value: Number.isNaN(atSloOverSequential) ? null : atSloOverSequential,
        target: targets.adaptiveOverSequential,
        met: atSloOverSequential >= targets.adaptiveOverSequential,
      },
      teacherShare: {
        value: c.teacherShare,
        target: targets.teacherShare,
        met: c.teacherShare <= targets.teacherShare,
      },
      agreementWithTeacher: {
        value: c.agreementWithTeacher,
        target: targets.agreementWithTeacher,
        met: c.agreementWithTeacher >= targets.agreementWithTeacher,
      },
    },
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const rows = claimRows(config.claims, config.seed);
  log(`${fmt(rows.length)} synthetic claims generated`);
  const variants: VariantFigures[] = [];
  variants.push(await variant('sequential', '(a) one at a time, batch 1', 1, rows, (p) => p.unbatched()));
  variants.push(
    await variant('unbatched', '(b) unbatched, batch 1', config.unbatchedInFlight, rows, (p) =>
      p.unbatched(),
    ),
  );
  for (const size of config.staticSizes) {
    variants.push(
      await variant(`static-${size}`, `(c) static batch ${size}`, config.inFlight, rows, (p) =>
        p.staticBatches(size),
      ),
    );
  }
  const adaptive = await variant(
    'adaptive',
    `(d) adaptive, SLO ${gateway.LATENCY_SLO_MS} ms`,
    config.inFlight,
    rows,
    (p) => p.adaptive().score,
  );
  const step = await stepUp(rows, adaptive.claimsPerSecond);
  const cascadeFigures = await cascade(rows);
  writeResult('gateway', report(variants, adaptive, step, cascadeFigures, loadBefore));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`gateway benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
