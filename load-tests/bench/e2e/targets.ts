import { fmt } from '../kafka-hop/report';
import { StepFigures } from './step-run';

/** One pipeline's steps, as main.ts measured them. */
export interface MeasuredPipeline {
  name: string;
  steps: StepFigures[];
  fellBehindAt: number | null;
}

/** The throughput issue's targets, all on this machine, in one run. */
export const TARGETS = {
  /** Sustained for `seconds` with p99 end to end at most p99Ms: with every claim traced ... */
  claimsPerSecondTraced: 3000,
  /** ... and with a tenth of the claims traced. */
  claimsPerSecondSampled: 5000,
  seconds: 60,
  p99Ms: 1000,
  /** At 1,000 claims/s, every claim traced. */
  machineCpuMsPerClaim: 0.9,
  brokerRequestsPerClaim: 0.3,
  /** Per exactly-once service, at any rate. */
  transactionsPerSecond: 12,
  /** Mesh throughput over the bare relay chain's. */
  ratio: 0.4,
} as const;

const REFERENCE_RATE = 1000;

export interface Verdict {
  target: string;
  measured: string;
  met: boolean | null;
}

/**
 * Each target against the run's figures: met, MISSED, or null when the run had no step
 * that measures it (e.g. BENCH_RATES without 1,000/s).
 */
export function verdicts(meshes: { ratio: number; result: MeasuredPipeline }[], meshOverChain: number, chainLimitFound: boolean): Verdict[] {
  const list: Verdict[] = [];
  for (const { ratio, result } of meshes) {
    const rate = ratio < 1 ? TARGETS.claimsPerSecondSampled : TARGETS.claimsPerSecondTraced;
    const step = result.steps.find((s) => s.offeredPerSecond === rate);
    const target = `${result.name}: ${fmt(rate)} claims/s for ${TARGETS.seconds} s, p99 <= ${TARGETS.p99Ms} ms`;
    if (step) {
      const met =
        step.seconds >= TARGETS.seconds &&
        step.decidedPerSecond >= 0.98 * rate &&
        step.undecided === 0 &&
        step.p99Ms !== null &&
        step.p99Ms <= TARGETS.p99Ms;
      list.push({ target, measured: `${fmt(step.decidedPerSecond)} decided/s, p99 ${step.p99Ms === null ? '>drain' : fmt(step.p99Ms)} ms over ${step.seconds} s`, met });
    } else if (result.fellBehindAt !== null && result.fellBehindAt <= rate) {
      list.push({ target, measured: `not run: fell behind at ${fmt(result.fellBehindAt)}/s`, met: false });
    } else {
      list.push({ target, measured: `no ${fmt(rate)}/s step in BENCH_RATES`, met: null });
    }
  }
  const traced = meshes.find((m) => m.ratio >= 1)?.result;
  const reference = traced?.steps.find((s) => s.offeredPerSecond === REFERENCE_RATE);
  const cpu = reference?.machineCpuMsPerClaim;
  list.push({
    target: `whole-machine CPU per claim at ${fmt(REFERENCE_RATE)}/s, every claim traced <= ${TARGETS.machineCpuMsPerClaim} ms`,
    measured: cpu === undefined ? 'no such step' : `${fmt(cpu, 3)} ms`,
    met: cpu === undefined ? null : cpu <= TARGETS.machineCpuMsPerClaim,
  });
  const requests = reference?.brokerRequestsPerClaim;
  list.push({
    target: `broker requests per claim at ${fmt(REFERENCE_RATE)}/s <= ${TARGETS.brokerRequestsPerClaim}`,
    measured: requests === undefined ? 'no such step (or no JMX)' : fmt(requests, 2),
    met: requests === undefined ? null : requests <= TARGETS.brokerRequestsPerClaim,
  });
  const rates = meshes.flatMap(({ result }) => result.steps.flatMap((s) => Object.values(s.transactionsPerSecond ?? {})));
  const worst = rates.length ? Math.max(...rates) : undefined;
  list.push({
    target: `transactions per exactly-once service <= ${TARGETS.transactionsPerSecond}/s at every step`,
    measured: worst === undefined ? 'not read' : `at most ${fmt(worst, 1)}/s`,
    met: worst === undefined ? null : worst <= TARGETS.transactionsPerSecond,
  });
  list.push({
    target: `mesh / relay chain >= ${TARGETS.ratio}`,
    measured: `${fmt(meshOverChain, 2)}${chainLimitFound ? '' : ' (an upper bound: the chain kept up with the top rate)'}`,
    met: meshOverChain < TARGETS.ratio ? false : chainLimitFound ? true : null,
  });
  return list;
}

export function verdictLine(v: Verdict): string {
  return `${v.target}: ${v.measured}: ${v.met === null ? 'not established' : v.met ? 'met' : 'MISSED'}`;
}
