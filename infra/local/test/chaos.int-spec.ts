import { join } from 'node:path';
import { formatReport, runChaos } from '../../../load-tests/chaos/chaos-run';
import { ROOT } from '../../../load-tests/chaos/chaos-stack';

// The shortened form of `make chaos` (load-tests/chaos), the same runner on fewer claims and
// fewer faults. It starts an isolated stack of its own (infra/local/chaos/chaos-test.env: other
// ports, other data dir) rather than using the shared one: it restarts the broker and kills a
// Triton shard, which would break any other test running against the shared stack meanwhile.
// Paired kills keep it within four minutes: each killed consumer holds its partitions until
// the group coordinator gives up on it (30 s session), so two kills at once cost one wait.

const CLAIMS = 3000;

it(
  `decides each of ${CLAIMS} claims exactly once while the gateway, a Triton shard, decision and audit are killed and the broker restarts`,
  async () => {
    const report = await runChaos({
      envFile: join(ROOT, 'infra', 'local', 'chaos', 'chaos-test.env'),
      brokers: 1,
      claims: CLAIMS,
      faults: ['kill:inference-gateway+triton', 'kill:decision+kill:audit', 'kafka'],
      inFlight: 1000,
      settleTimeoutMs: 90_000,
      logDir: join(ROOT, 'results', 'chaos', 'logs-int-spec'),
      log: () => undefined,
    });
    // The counts in the test output, as `make chaos` prints them.
    console.warn(formatReport(report));

    expect(report.counts).toEqual(
      expect.objectContaining({ sent: CLAIMS, decided: CLAIMS, missing: 0, duplicates: 0, dlq: 0, lineageMissing: 0, lineageDuplicates: 0 }),
    );
    expect(report.crashed).toEqual([]);
  },
  300_000,
);
