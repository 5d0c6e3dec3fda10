import { percentile } from '../kafka-hop/load';
import { log } from '../kafka-hop/variant-run';
import { machineBusyCpuSeconds } from '../shared/stack-cpu';
import { BrokerRequests, RequestCounts, requestsBetween } from './broker-requests';
import { driveOpenLoop, OpenLoopResult } from './open-loop';
import { HopLatencies, Pipeline } from './pipeline';
import { RateStep } from './rate-steps';

export interface DriveSettings {
  batchSize: number;
  maxInFlight: number;
  /** After a step, how long its claims may take to come out before they count as undecided. */
  drainSeconds: number;
  /** The first seconds of a step are left out of its figures (queues fill, batches settle). */
  settleSeconds: number;
}

export interface StepFigures extends OpenLoopResult {
  offeredPerSecond: number;
  seconds: number;
  /** Decided claims per second within the step's measured window: the sustained throughput. */
  decidedPerSecond: number;
  /** Claims sent in the measured window; their latency figures follow. */
  measured: number;
  undecided: number;
  /** Submission (batch send) to decided record CreateTime, ms; null when more claims than the percentile's share never came out. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Where the measured claims' time went, for a pipeline that can tell (a sample of them). */
  hops?: HopLatencies;
  /** Cores each process used while the step's load ran (CPU seconds / wall seconds). */
  cpuCores?: Record<string, number>;
  /** The whole machine's busy cores while the step's load ran (/proc/stat: every process and the kernel). */
  machineCores?: number;
  /** The whole machine's CPU while the step's load ran, per claim accepted in it, ms. */
  machineCpuMsPerClaim?: number;
  /** Requests the broker answered from the step's start until its claims came out (or the drain ended), by type. */
  brokerRequests?: RequestCounts;
  /** All of brokerRequests per claim accepted in the step. */
  brokerRequestsPerClaim?: number;
  /** Kafka transactions per second of each exactly-once service while the step's load ran. */
  transactionsPerSecond?: Record<string, number>;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * Figures of one step. The measured window is the step less its settle time: throughput is
 * the step's claims whose decision was written inside the window, per second of the window;
 * latency covers the claims sent inside it, an undecided claim counting as infinitely late.
 */
export function stepFigures(
  step: RateStep,
  window: { from: number; to: number },
  drive: OpenLoopResult,
  sentAt: Map<string, number>,
  decidedAt: Map<string, number>,
): StepFigures {
  let decidedInWindow = 0;
  let undecided = 0;
  const latencies: number[] = [];
  for (const [key, sent] of sentAt) {
    const decided = decidedAt.get(key);
    if (decided === undefined) undecided++;
    else if (decided >= window.from && decided < window.to) decidedInWindow++;
    if (sent >= window.from) latencies.push(decided === undefined ? Infinity : decided - sent);
  }
  latencies.sort((a, b) => a - b);
  return {
    ...drive,
    offeredPerSecond: step.claimsPerSecond,
    seconds: step.seconds,
    decidedPerSecond: decidedInWindow / ((window.to - window.from) / 1000),
    measured: latencies.length,
    undecided,
    p50Ms: finite(percentile(latencies, 50)),
    p95Ms: finite(percentile(latencies, 95)),
    p99Ms: finite(percentile(latencies, 99)),
    maxMs: finite(latencies[latencies.length - 1] ?? NaN),
  };
}

/** Drives one step and waits for its claims to come out (up to drainSeconds). */
export async function runStep(
  pipeline: Pipeline,
  step: RateStep,
  settings: DriveSettings,
  broker?: BrokerRequests,
): Promise<StepFigures> {
  const sentAt = new Map<string, number>();
  // Read first: it starts a JVM, whose CPU must stay out of the window below.
  const requestsBefore = await broker?.counts().catch(() => undefined);
  const transactionsBefore = await pipeline.transactionsCommitted?.();
  const cpuBefore = await pipeline.cpuSeconds();
  const machineBefore = machineBusyCpuSeconds();
  const started = Date.now();
  const drive = await driveOpenLoop(
    { ...step, batchSize: settings.batchSize, maxInFlight: settings.maxInFlight },
    (claims) => pipeline.sendBatch(claims),
    sentAt,
  );
  const ended = Date.now();
  const machineAfter = machineBusyCpuSeconds();
  const cpuAfter = await pipeline.cpuSeconds();
  const transactionsAfter = await pipeline.transactionsCommitted?.();
  await pipeline.reader.waitFor(sentAt.keys(), settings.drainSeconds * 1000);
  const requestsAfter = requestsBefore && (await broker?.counts().catch(() => undefined));
  const settle = Math.min(settings.settleSeconds * 1000, (ended - started) / 4);
  const window = { from: started + settle, to: ended };
  const figures = stepFigures(step, window, drive, sentAt, pipeline.reader.firstAt);
  const measured = new Map([...sentAt].filter(([, sent]) => sent >= window.from));
  if (pipeline.hopLatencies) figures.hops = pipeline.hopLatencies(measured);
  const seconds = (ended - started) / 1000;
  figures.cpuCores = Object.fromEntries(
    Object.entries(cpuAfter).map(([name, s]) => [name, (s - (cpuBefore[name] ?? NaN)) / seconds]),
  );
  if (transactionsBefore && transactionsAfter) {
    figures.transactionsPerSecond = Object.fromEntries(
      Object.entries(transactionsAfter).map(([name, n]) => [name, (n - transactionsBefore[name]) / seconds]),
    );
  }
  figures.machineCores = (machineAfter - machineBefore) / seconds;
  figures.machineCpuMsPerClaim = ((machineAfter - machineBefore) / Math.max(1, figures.accepted)) * 1000;
  if (requestsBefore && requestsAfter) {
    figures.brokerRequests = requestsBetween(requestsBefore, requestsAfter);
    const total = Object.values(figures.brokerRequests).reduce((a, b) => a + b, 0);
    figures.brokerRequestsPerClaim = total / Math.max(1, figures.accepted);
  }
  log(
    `${pipeline.name} @ ${step.claimsPerSecond}/s for ${step.seconds} s: ${figures.decidedPerSecond.toFixed(0)} decided/s, ` +
      `p99 ${figures.p99Ms ?? '>drain'} ms, accepted ${figures.accepted}, undecided ${figures.undecided}, ` +
      `refused ${figures.refused}, skipped ${figures.skipped}, failed ${figures.failed}, ` +
      `machine CPU ${figures.machineCpuMsPerClaim.toFixed(3)} ms/claim, broker requests ${figures.brokerRequestsPerClaim?.toFixed(2) ?? '-'}/claim` +
      (figures.firstError ? ` (${figures.firstError})` : ''),
  );
  return figures;
}

/** A short run at the first rate whose figures are dropped: groups joined, connections and caches warm. */
export async function warmUp(pipeline: Pipeline, step: RateStep, settings: DriveSettings): Promise<void> {
  const sentAt = new Map<string, number>();
  await driveOpenLoop(
    { ...step, batchSize: settings.batchSize, maxInFlight: settings.maxInFlight },
    (n) => pipeline.sendBatch(n),
    sentAt,
  );
  const missing = await pipeline.reader.waitFor(sentAt.keys(), 120_000);
  log(
    `${pipeline.name}: warmed up with ${sentAt.size} claims${missing ? ` (${missing} still not out after 120 s)` : ''}`,
  );
}
