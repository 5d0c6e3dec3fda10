import { endToEndScenario } from './end-to-end.js';
import { config } from './config.js';

/**
 * What every suite must keep: ingest's p99 and the failed-request share (the run fails when
 * either breaks), plus the end-to-end figures of the sampled claims. `abort` stops the run at
 * the first breach (the saturation ramp: past that point it only measures a broken mesh).
 */
export function thresholds({ abort = false } = {}) {
  const rule = (threshold) => (abort ? { threshold, abortOnFail: true, delayAbortEval: '10s' } : threshold);
  const t = config.thresholds;
  return {
    'http_req_duration{endpoint:ingest}': [rule(`p(99)<${t.httpP99Ms}`)],
    http_req_failed: [rule(`rate<${t.errorRate}`)],
    claim_e2e_latency: [rule(`p(99)<${t.e2eP99Ms}`)],
    claim_e2e_decided: [rule(`rate>=${t.e2eDecided}`)],
  };
}

/** VUs an arrival-rate scenario may need for `claimsPerSecond`: requests/s times a generous answer time. */
function vusFor(claimsPerSecond) {
  const requestsPerSecond = claimsPerSecond / config.batchSize;
  return {
    preAllocatedVUs: Math.ceil(requestsPerSecond * 0.5) + 2,
    maxVUs: Math.ceil(requestsPerSecond * 5) + 10,
  };
}

/**
 * Arrival-rate settings in claims per second: one iteration posts BATCH_SIZE claims, so
 * `rate` iterations per BATCH_SIZE seconds are `rate` claims per second.
 */
export function claimsPerSecond(peakClaimsPerSecond) {
  return { exec: 'submitBatch', timeUnit: `${config.batchSize}s`, ...vusFor(peakClaimsPerSecond) };
}

/** p(99) for the thresholds and count so a report shows how many samples a figure rests on. */
export const commonOptions = {
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
};

/**
 * A steady `rate` claims/s for `duration` (open model) beside the sampled end-to-end
 * scenario: the shape of the smoke, constant-rate and soak suites, which differ only in
 * their defaults.
 */
export function steadyLoadOptions(rate, duration) {
  return {
    ...commonOptions,
    scenarios: {
      load: { executor: 'constant-arrival-rate', rate, duration, ...claimsPerSecond(rate) },
      e2e: endToEndScenario(duration),
    },
    thresholds: thresholds(),
  };
}
