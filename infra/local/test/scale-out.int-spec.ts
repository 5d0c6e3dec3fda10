import { join } from 'node:path';
import { formatReport, runChaos } from '../../../load-tests/chaos/chaos-run';
import { ROOT } from '../../../load-tests/chaos/chaos-stack';

// Scale-out: `make chaos REPLICAS=2` shortened. Two processes of every service share its consumer
// groups on the isolated chaos stack (infra/local/chaos/chaos-test.env); the runner checks that
// each group's partitions are spread over both, and each kill below SIGKILLs one replica under
// load, waits until its partitions have moved to the other, and starts it again. Every claim must
// still be decided exactly once with one complete lineage.

const CLAIMS = 4000;
const REPLICAS = 2;

it(
  `decides each of ${CLAIMS} claims exactly once with ${REPLICAS} replicas per service while one replica of ingest, decision and audit is SIGKILLed`,
  async () => {
    const report = await runChaos({
      envFile: join(ROOT, 'infra', 'local', 'chaos', 'chaos-test.env'),
      brokers: 1,
      replicas: REPLICAS,
      claims: CLAIMS,
      // 100 s of sending: both kills (about 40 s each) strike while claims keep coming.
      rate: 40,
      faults: ['kill:decision+kill:audit', 'kill:ingest'],
      inFlight: 1000,
      settleTimeoutMs: 120_000,
      logDir: join(ROOT, 'results', 'chaos', 'logs-scale-out-spec'),
      log: () => undefined,
    });
    console.warn(formatReport(report));

    expect(report.problems).toEqual([]);
    expect(report.counts).toEqual(
      expect.objectContaining({ sent: CLAIMS, decided: CLAIMS, missing: 0, duplicates: 0, dlq: 0, lineageMissing: 0, lineageDuplicates: 0 }),
    );
    // Every fault's note says where the killed replica's partitions went (see faults.ts killReplica).
    expect(report.faults.map((f) => f.name)).toEqual(['kill:decision+kill:audit', 'kill:ingest']);
    // ... and that claims kept being decided while they moved: the kills struck under load.
    for (const fault of report.faults) {
      for (const [, decided] of fault.note?.matchAll(/after the kill \([0-9.]+ s, (\d+) claims decided meanwhile\)/g) ?? []) expect(Number(decided)).toBeGreaterThan(0);
      expect(fault.note).toMatch(/after the kill/);
    }
    expect(Object.keys(report.spread).sort()).toEqual(['audit', 'decision', 'feature', 'human-task', 'inference-gateway', 'ingest']);
  },
  480_000,
);
