import http from 'k6/http';
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';
import { syntheticClaim } from './claims.js';
import { config } from './config.js';
import { postClaims } from './ingest.js';

/** POST of a sampled claim until its decision is visible in the audit lineage. */
export const claimEndToEnd = new Trend('claim_e2e_latency', true);
/** Whether a sampled claim's decision became visible within E2E_TIMEOUT. */
export const claimDecided = new Rate('claim_e2e_decided');

// 404 is the expected answer until audit has seen the claim: not a failed request.
const lineageAnswers = http.expectedStatuses(200, 404);
const run = Math.random().toString(36).slice(2, 10);

function decisionVisible(claimId) {
  const res = http.get(`${config.auditUrl}/v1/lineage/${claimId}`, {
    headers: { 'x-api-key': config.auditApiKey },
    tags: { endpoint: 'audit-lineage', name: `${config.auditUrl}/v1/lineage/:claimId` },
    responseCallback: lineageAnswers,
  });
  if (res.status !== 200) return false;
  const stages = res.json('stages') || [];
  return stages.some((s) => s.stage === 'decided');
}

/**
 * One sampled claim: submitted alone (so its clock starts at its own POST, not a batch's),
 * then the audit lineage is polled until a decision appears. What the user feels: every
 * hop, queue and the audit write, not only ingest's answer.
 */
export function sampleClaimEndToEnd() {
  const body = JSON.stringify({ claims: [syntheticClaim(run, exec.scenario.iterationInTest)] });
  const started = Date.now();
  const res = postClaims(body);
  if (res.status !== 202) return;
  const claimId = res.json('claims.0.claimId');
  const deadline = started + config.e2e.timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (decisionVisible(claimId)) {
      claimEndToEnd.add(Date.now() - started);
      claimDecided.add(true);
      return;
    }
    sleep(config.e2e.pollMs / 1000);
  }
  claimDecided.add(false);
}

/**
 * The sampling scenario every suite runs beside its load: E2E_SAMPLES_PER_SECOND claims for
 * `duration`, each given E2E_TIMEOUT to be decided before the run ends.
 */
export function endToEndScenario(duration, startTime = '0s') {
  const perSecond = config.e2e.samplesPerSecond;
  return {
    executor: 'constant-arrival-rate',
    exec: 'sampleClaimEndToEnd',
    // Per minute, so fractional per-second rates work.
    rate: Math.max(1, Math.round(perSecond * 60)),
    timeUnit: '1m',
    duration,
    startTime,
    preAllocatedVUs: Math.max(2, Math.ceil(perSecond * 3)),
    maxVUs: Math.max(4, Math.ceil(perSecond * (config.e2e.timeoutSeconds + 2))),
    gracefulStop: `${config.e2e.timeoutSeconds + 5}s`,
  };
}
