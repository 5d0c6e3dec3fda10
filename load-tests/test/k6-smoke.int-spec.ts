import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Mesh, waitFor } from '@claims-mesh/testing';

const ROOT = join(__dirname, '..', '..');
const RUN_SUITE = join(ROOT, 'load-tests', 'k6', 'run.sh');

/**
 * Bounds for a 2-core machine shared with the whole stack: the test checks that the suite
 * measures and reports, and that a broken threshold fails the run, not the mesh's speed
 * (that is the benchmark's job).
 */
const SHARED_MACHINE_BOUNDS = { HTTP_P99_MS: '5000', E2E_P99_MS: '60000', E2E_TIMEOUT: '90' };

interface K6Run {
  status: number | null;
  output: string;
  /** The JSON summary handleSummary wrote, as the run printed its path. */
  summaryFile: string | undefined;
}

/** Runs a k6 suite through the project's runner (which builds k6 on first use) against the test mesh. */
function runSuite(mesh: Mesh, suite: string, env: Record<string, string>): K6Run {
  const result = spawnSync(RUN_SUITE, [suite], {
    env: {
      ...process.env,
      INGEST_URL: mesh.service('ingest').url(''),
      AUDIT_URL: mesh.service('audit').url(''),
      ...env,
    },
    encoding: 'utf8',
    timeout: 900_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  const summaryFile = /^summary: (.+\.json)$/m.exec(output)?.[1];
  return { status: result.status, output, summaryFile };
}

/** One claim through the fresh mesh first, so the run measures joined groups and warm caches. */
async function warmUp(mesh: Mesh): Promise<void> {
  const { claims } = (await fetch(mesh.service('ingest').url('/v1/claims/batch'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'dev-ingest-key' },
    body: JSON.stringify({
      claims: [
        {
          customerId: 'k6-warm-up',
          policyId: 'pol-warm-up',
          policyStartDate: '2025-01-01',
          product: 'phone',
          amountMinor: 4500,
          currency: 'EUR',
          channel: 'WEB',
          description: 'Warm-up claim.',
          mediaCount: 0,
          serialNumber: `SN-warm-up-${Date.now()}`,
          region: 'UK',
        },
      ],
    }),
  }).then((res) => res.json())) as { claims: { claimId: string }[] };
  await waitFor(
    'the warm-up claim to be decided',
    async () => {
      const res = await fetch(mesh.service('audit').url(`/v1/lineage/${claims[0].claimId}`), {
        headers: { 'x-api-key': 'dev-auditor-key' },
      });
      const lineage = res.ok ? ((await res.json()) as { stages: { stage: string }[] }) : undefined;
      return lineage?.stages.some((s) => s.stage === 'decided') || undefined;
    },
    240_000,
  );
}

interface K6Summary {
  metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
}

describe('k6 smoke suite against the mesh (real services, k6 built from the Go module proxy)', () => {
  let mesh: Mesh;

  beforeAll(async () => {
    mesh = await Mesh.start(13780);
    await warmUp(mesh);
  }, 360_000);

  afterAll(async () => {
    await mesh?.stop();
  });

  it('passes its thresholds, writes JSON and HTML summaries and measures claims end to end', () => {
    const run = runSuite(mesh, 'smoke', { DURATION: '10s', RATE: '50', ...SHARED_MACHINE_BOUNDS });

    expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: run.output });
    const file = run.summaryFile as string;
    expect(existsSync(file)).toBe(true);
    expect(existsSync(file.replace(/\.json$/, '.html'))).toBe(true);
    const summary = JSON.parse(readFileSync(file, 'utf8')) as K6Summary;
    expect(summary.metrics.claim_e2e_latency.values.count).toBeGreaterThan(0);
    expect(summary.metrics['http_req_duration{endpoint:ingest}'].thresholds).toEqual({
      [`p(99)<${SHARED_MACHINE_BOUNDS.HTTP_P99_MS}`]: { ok: true },
    });
  }, 600_000);

  it('exits non-zero when a threshold breaks', () => {
    // No ingest answer comes back in under 0 ms: the p99 threshold cannot hold.
    const run = runSuite(mesh, 'smoke', {
      ...SHARED_MACHINE_BOUNDS,
      DURATION: '3s',
      RATE: '20',
      HTTP_P99_MS: '0',
    });

    expect(run.status).not.toBe(0);
    expect(run.output).toContain('BROKEN http_req_duration{endpoint:ingest} p(99)<0');
  }, 600_000);
});
