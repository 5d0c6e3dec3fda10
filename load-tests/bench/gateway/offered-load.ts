import { percentile } from '../kafka-hop/load';

/** Submits one claim's feature row; resolves when its score is back. */
export type ScoreClaim = (row: Float32Array) => Promise<unknown>;

/** What one load phase measured; latency is per claim, from submission to score. */
export interface LoadFigures {
  /** Claims scored within the measured window. */
  claims: number;
  failed: number;
  seconds: number;
  claimsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function figures(latencies: number[], claims: number, failed: number, seconds: number): LoadFigures {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    claims,
    failed,
    seconds,
    claimsPerSecond: claims / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
  };
}

/**
 * Closed loop: `inFlight` callers each submit a claim, wait for its score and submit the next,
 * cycling through `rows`. The first `warmupSeconds` are left out (channels, JIT, AIMD start);
 * throughput counts the scores returned in the next `seconds`, latency the claims submitted
 * in them.
 */
export async function closedLoop(
  score: ScoreClaim,
  rows: Float32Array[],
  settings: { inFlight: number; seconds: number; warmupSeconds: number },
): Promise<LoadFigures> {
  const windowStart = performance.now() + settings.warmupSeconds * 1000;
  const end = windowStart + settings.seconds * 1000;
  const latencies: number[] = [];
  let next = 0;
  let scored = 0;
  let failed = 0;
  const caller = async () => {
    for (let sentAt = performance.now(); sentAt < end; sentAt = performance.now()) {
      const row = rows[next++ % rows.length];
      const ok = await score(row).then(
        () => true,
        () => false,
      );
      const doneAt = performance.now();
      if (sentAt >= windowStart) {
        if (ok) latencies.push(doneAt - sentAt);
        else failed++;
      }
      if (ok && doneAt >= windowStart && doneAt < end) scored++;
    }
  };
  await Promise.all(Array.from({ length: settings.inFlight }, caller));
  return figures(latencies, scored, failed, settings.seconds);
}

export interface RatePhase {
  name: string;
  claimsPerSecond: number;
  seconds: number;
}

/** An open-loop phase's figures, and the p99 of its first second alone (the step's transient). */
export type RatePhaseFigures = LoadFigures & {
  name: string;
  offeredPerSecond: number;
  firstSecondP99Ms: number;
};

/**
 * Open loop: claims arrive at each phase's rate, one phase after the other with no pause,
 * whether or not earlier ones have been scored. A claim's latency runs from when it was due,
 * not when the generator got round to it, so a stalled event loop counts against the scorer
 * (no coordinated omission).
 */
export async function steppedRate(
  score: ScoreClaim,
  rows: Float32Array[],
  phases: RatePhase[],
): Promise<RatePhaseFigures[]> {
  let next = 0;
  // Each phase's figures are worked out once every phase is over: sorting a phase's hundreds of
  // thousands of latencies takes the event loop tens of ms, which would otherwise fall into the
  // next phase's first second and be measured as the scorer's stall.
  const runs: Promise<() => RatePhaseFigures>[] = [];
  for (const phase of phases) {
    const start = performance.now();
    const end = start + phase.seconds * 1000;
    const total = Math.round(phase.claimsPerSecond * phase.seconds);
    const latencies: number[] = [];
    const firstSecond: number[] = [];
    let scored = 0;
    let failed = 0;
    // Settled claims are counted rather than their promises kept: at a few hundred thousand
    // claims a second, holding every promise of a phase would make the garbage collector part
    // of what is measured.
    let settled = 0;
    let allSettled: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allSettled = resolve));
    const settle = () => {
      if (++settled === total) allSettled();
    };
    if (total === 0) allSettled();
    for (let issued = 0; issued < total; await sleep(1)) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * phase.claimsPerSecond) / 1000));
      for (; issued < due; issued++) {
        const dueAt = start + (issued * 1000) / phase.claimsPerSecond;
        const row = rows[next++ % rows.length];
        score(row).then(
          () => {
            const doneAt = performance.now();
            latencies.push(doneAt - dueAt);
            if (dueAt < start + 1000) firstSecond.push(doneAt - dueAt);
            if (doneAt < end) scored++;
            settle();
          },
          () => {
            failed++;
            settle();
          },
        );
      }
    }
    runs.push(
      done.then(() => () => ({
        ...figures(latencies, scored, failed, phase.seconds),
        name: phase.name,
        offeredPerSecond: phase.claimsPerSecond,
        firstSecondP99Ms: percentile(
          firstSecond.sort((a, b) => a - b),
          99,
        ),
      })),
    );
  }
  return (await Promise.all(runs)).map((phaseFigures) => phaseFigures());
}
