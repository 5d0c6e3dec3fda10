import { AvroSerde, meshSubjects, meshTopics, registerSchemas } from '@claims-mesh/contracts';
import { ensureTopics } from '@claims-mesh/kafka';
import Redis from 'ioredis';
import { MESH_SERVICES } from '@claims-mesh/testing';
import { ChaosMesh } from './chaos-mesh';
import { ChaosStack } from './chaos-stack';
import { sendClaims } from './claim-sender';
import { FaultName, FaultRecord, inject } from './faults';
import { describeSpread, groupsOf, spreadOverAll } from './group-members';
import { chaosKafka, KeyCounter } from './topic-scan';
import { ChaosCounts, checkLineage, countOutcome, problemsOf, readDeadLetterKeys, readDecisions } from './verify';

export interface ChaosOptions {
  /** The isolated stack's env file (ports, data dir), e.g. infra/local/chaos/chaos.env. */
  envFile: string;
  brokers: number;
  /** Processes per service, sharing its consumer groups (1 by default). */
  replicas?: number;
  claims: number;
  /** Faults in order, spread evenly over the sending (fault i when i+1 of n+1 parts are accepted). */
  faults: FaultName[];
  /**
   * Claims per second sent at most, so that the claims keep coming while the faults strike (a
   * replica's kill takes about 40 s: its partitions move after the 30 s session); none: as fast as
   * the mesh takes them.
   */
  rate?: number;
  /** Claims accepted but not yet decided at most, so faults always meet claims at every stage. */
  inFlight: number;
  /** How long the mesh may take, after the last claim is sent, to decide them all. */
  settleTimeoutMs: number;
  /** Where service logs go. */
  logDir: string;
  /** Leave the stack running afterwards (to look at it); it is always started fresh. */
  keepStack?: boolean;
  log?: (line: string) => void;
}

export interface ChaosReport {
  replicas: number;
  /** With replicas: how each service's groups' partitions were spread over them once all were up. */
  spread: Record<string, string>;
  counts: ChaosCounts;
  faults: FaultRecord[];
  /** Services that exited without being killed by the run. */
  crashed: string[];
  problems: string[];
  seconds: { stack: number; run: number; settle: number; verify: number; total: number };
  retries: number;
  shed: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const since = (t: number) => Math.round((Date.now() - t) / 100) / 10;

/**
 * One chaos run on a fresh isolated stack: sends claims through the six services while the
 * faults strike, waits for the mesh to settle, then checks every claim has exactly one
 * committed decision, a complete lineage in audit, and no dead letter.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? ((line: string) => console.log(`[chaos] ${line}`));
  const started = Date.now();
  const stack = ChaosStack.fromEnvFile(options.envFile, options.brokers);
  log(`starting the isolated stack (${options.brokers} broker${options.brokers > 1 ? 's' : ''}, data in ${stack.dataDir})`);
  await stack.upFresh();
  const stackSeconds = since(started);
  let mesh: ChaosMesh | undefined;
  const decidedCounter = new KeyCounter(stack.kafkaBrokers, 'claims.decided.v1');
  try {
    await createTopics(stack);
    await registerSchemas(stack.registryUrl, meshSubjects());
    const replicas = options.replicas ?? 1;
    mesh = await ChaosMesh.start(stack.servicePortBase, stack.serviceEnv(), replicas);
    const liveMesh = mesh;
    log(`six services up${replicas > 1 ? `, ${replicas} replicas each,` : ''} on ports from ${stack.servicePortBase + 1}`);
    const { spread, spreadProblems } = await partitionSpread(stack.kafkaBrokers, replicas);
    for (const [service, line] of Object.entries(spread)) log(`${service}: ${line}`);
    await decidedCounter.start();

    const runStarted = Date.now();
    let accepted = 0;
    const faults: FaultRecord[] = [];
    const thresholds = options.faults.map((_, i) => Math.floor(((i + 1) * options.claims) / (options.faults.length + 1)));
    const progress = setInterval(() => log(`accepted ${accepted}, decided ${decidedCounter.count} (${since(runStarted)} s)`), 10_000);
    const faultsDone = (async () => {
      for (const [i, fault] of options.faults.entries()) {
        while (accepted < thresholds[i]) await sleep(100);
        const at = Date.now();
        log(`fault ${fault} at ${accepted} accepted, ${decidedCounter.count} decided`);
        const note = await inject(fault, { stack, mesh: liveMesh, decided: () => decidedCounter.count, log });
        faults.push({ name: fault, atAccepted: thresholds[i], recoverySeconds: since(at), note });
        log(`fault ${fault}: recovered in ${since(at)} s${note ? ` (${note})` : ''}`);
      }
    })();
    // A fault that fails is thrown by the `await faultsDone` below, into the finally that keeps the
    // services' logs; unobserved until then, its rejection would end the process without them.
    faultsDone.catch(() => undefined);
    let nextIngest = 0;
    const sent = await sendClaims({
      claims: options.claims,
      // By port, not by process: while ingest is being killed and restarted there is no process
      // to ask, and the sender must meet a refused connection and retry.
      // With replicas, batch after batch to the next one, as a load balancer would.
      ingestUrl: () => `http://127.0.0.1:${liveMesh.portOf('ingest', nextIngest++ % replicas)}`,
      rate: options.rate,
      whenRoom: () => roomFor(options.inFlight, () => accepted - decidedCounter.count),
      onAccepted: (n) => (accepted = n),
    });
    await faultsDone;
    const runSeconds = since(runStarted);

    const settleStarted = Date.now();
    while (decidedCounter.count < sent.claimIds.length && Date.now() - settleStarted < options.settleTimeoutMs) await sleep(500);
    clearInterval(progress);
    // Late duplicates (a replay after the last decision) would come now.
    await sleep(5000);
    const settleSeconds = since(settleStarted);
    log(`${decidedCounter.count} of ${sent.claimIds.length} claims decided ${settleSeconds} s after the last was sent; verifying`);

    const verifyStarted = Date.now();
    const serde = AvroSerde.forRegistry(stack.registryUrl);
    const decisions = await readDecisions(stack.kafkaBrokers, serde);
    const deadLetterKeys = await readDeadLetterKeys(stack.kafkaBrokers);
    const redis = new Redis(stack.redisUrl);
    let lineage = await checkLineage(redis, sent.claimIds);
    // Audit follows every topic and may trail the decisions by a little.
    for (let waited = 0; lineage.missing.length > 0 && waited < 60_000; waited += 2000) {
      await sleep(2000);
      lineage = await checkLineage(redis, lineage.missing).then((again) => ({
        missing: again.missing,
        duplicated: [...lineage.duplicated, ...again.duplicated],
      }));
    }
    redis.disconnect();
    const counts = countOutcome(sent.claimIds, decisions, deadLetterKeys, lineage);
    const crashed = liveMesh.crashed();
    const problems = [...problemsOf(counts), ...spreadProblems, ...crashed.map((name) => `${name} exited on its own`)];
    return {
      replicas,
      spread,
      counts,
      faults,
      crashed,
      problems,
      retries: sent.retries,
      shed: sent.shed,
      seconds: { stack: stackSeconds, run: runSeconds, settle: settleSeconds, verify: since(verifyStarted), total: since(started) },
    };
  } finally {
    await decidedCounter.stop();
    if (mesh) {
      await mesh.stop();
      mesh.writeLogs(options.logDir);
    }
    if (!options.keepStack) await stack.down();
  }
}

/**
 * With replicas, each service's groups should have one member per replica, each with partitions
 * of its own (the coordinator may need a rebalance or two after the replicas joined one by one).
 */
async function partitionSpread(brokers: string, replicas: number): Promise<{ spread: Record<string, string>; spreadProblems: string[] }> {
  if (replicas === 1) return { spread: {}, spreadProblems: [] };
  const spread: Record<string, string> = {};
  const spreadProblems: string[] = [];
  for (const service of MESH_SERVICES) {
    let groups = await groupsOf(brokers, service);
    for (let waited = 0; !spreadOverAll(groups, replicas) && waited < 60_000; waited += 2000) {
      await sleep(2000);
      groups = await groupsOf(brokers, service);
    }
    spread[service] = describeSpread(groups);
    if (!spreadOverAll(groups, replicas)) spreadProblems.push(`${service}'s partitions are not spread over its ${replicas} replicas: ${spread[service]}`);
  }
  return { spread, spreadProblems };
}

async function createTopics(stack: ChaosStack): Promise<void> {
  const env = stack.brokers > 1 ? { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' } : {};
  const admin = chaosKafka(stack.kafkaBrokers, 'chaos-admin').admin();
  await admin.connect();
  try {
    await ensureTopics(admin, meshTopics(undefined, { ...process.env, ...env }));
  } finally {
    await admin.disconnect();
  }
}

/** Waits while too many claims are in flight; gives up waiting after 3 minutes (a loss then shows in the counts). */
async function roomFor(limit: number, inFlight: () => number): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (inFlight() > limit && Date.now() < deadline) await sleep(200);
}

export function formatReport(report: ChaosReport): string {
  const c = report.counts;
  const lines = [
    ...(report.replicas > 1 ? [`${report.replicas} replicas per service; partitions per member: ${Object.entries(report.spread).map(([s, line]) => `${s} (${line})`).join('; ')}`] : []),
    `sent ${c.sent}  decided ${c.decided}  duplicates ${c.duplicates} (identical ${c.identicalReplays}, conflicting ${c.conflicting})  missing ${c.missing}  DLQ ${c.dlq} (all dead letters ${c.dlqRecords})`,
    `lineage: ${c.sent - c.lineageMissing - c.lineageDuplicates} complete, ${c.lineageMissing} incomplete, ${c.lineageDuplicates} with a stage twice`,
    `faults: ${report.faults.map((f) => `${f.name} @${f.atAccepted} (${f.recoverySeconds} s${f.note ? `, ${f.note}` : ''})`).join(', ')}`,
    `ingest requests retried ${report.retries}, shed (429) ${report.shed}`,
    `time: stack ${report.seconds.stack} s, sending with faults ${report.seconds.run} s, settling ${report.seconds.settle} s, verifying ${report.seconds.verify} s, total ${report.seconds.total} s`,
  ];
  lines.push(report.problems.length ? `FAILED: ${report.problems.join('; ')}` : 'OK: every claim has exactly one decision and one complete lineage; no good claim in a DLQ');
  return lines.join('\n');
}
