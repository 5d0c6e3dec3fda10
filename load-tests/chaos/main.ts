// `make chaos`: claims through the six services on an isolated stack while every service is
// SIGKILLed once, the broker restarted and a Triton shard killed; fails on any loss or duplicate.
//   CHAOS_CLAIMS (default 50000), BROKERS (1, or 3 for a KRaft cluster with one broker killed),
//   REPLICAS (processes per service sharing its consumer groups; with 2, a kill SIGKILLs one
//   replica and checks its partitions move to the other),
//   CHAOS_RATE (claims/s at most; with replicas, slow enough that sending outlasts the faults),
//   CHAOS_ENV_FILE (default infra/local/chaos/chaos.env), CHAOS_KEEP_STACK=1 to leave it up.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatReport, runChaos } from './chaos-run';
import { ROOT } from './chaos-stack';
import { fullPlan } from './faults';

async function main(): Promise<void> {
  const brokers = Number(process.env.BROKERS ?? 1);
  const replicas = Number(process.env.REPLICAS ?? 1);
  const name = `${brokers}-broker${brokers > 1 ? 's' : ''}${replicas > 1 ? `-${replicas}-replicas` : ''}`;
  const resultsDir = join(ROOT, 'results', 'chaos');
  const report = await runChaos({
    envFile: process.env.CHAOS_ENV_FILE ?? join(ROOT, 'infra', 'local', 'chaos', 'chaos.env'),
    brokers,
    replicas,
    claims: Number(process.env.CHAOS_CLAIMS ?? 50_000),
    rate: process.env.CHAOS_RATE ? Number(process.env.CHAOS_RATE) : undefined,
    faults: process.env.CHAOS_FAULTS ? process.env.CHAOS_FAULTS.split(',') : fullPlan(brokers),
    inFlight: Number(process.env.CHAOS_IN_FLIGHT ?? 4000),
    settleTimeoutMs: Number(process.env.CHAOS_SETTLE_TIMEOUT_MS ?? 600_000),
    logDir: join(resultsDir, `logs-${name}`),
    keepStack: process.env.CHAOS_KEEP_STACK === '1',
  });
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `chaos-${name}.json`), JSON.stringify(report, null, 2));
  console.log(`\n[chaos] ${formatReport(report).split('\n').join('\n[chaos] ')}`);
  if (report.problems.length) process.exitCode = 1;
}

main().catch((error: Error) => {
  console.error(`[chaos] failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
