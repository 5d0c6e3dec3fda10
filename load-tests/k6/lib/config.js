// Everything a suite reads from the environment (k6 -e NAME=value or the process environment),
// with the defaults that fit the local mesh.

const text = (name, fallback) => __ENV[name] || fallback;

const number = (name, fallback) => {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
};

export const config = {
  suite: text('SUITE', 'k6'),
  ingestUrl: text('INGEST_URL', 'http://127.0.0.1:3001'),
  auditUrl: text('AUDIT_URL', 'http://127.0.0.1:3006'),
  ingestApiKey: text('INGEST_API_KEY', 'dev-ingest-key'),
  auditApiKey: text('AUDIT_API_KEY', 'dev-auditor-key'),
  /** Where handleSummary writes <suite>-<timestamp>.{json,html}; the runner creates it. */
  resultsDir: text('RESULTS_DIR', 'results/k6'),

  /** Claims per POST /v1/claims/batch. */
  batchSize: Math.max(1, Math.round(number('BATCH_SIZE', 50))),
  /** Claims per second offered (constant rate, soak; the start of the ramp, the base of the spike). */
  rate: (suiteDefault) => number('RATE', suiteDefault),
  /** How long the load runs (constant rate, soak, smoke; the ramp's length). */
  duration: (suiteDefault) => text('DURATION', suiteDefault),
  number,
  text,

  thresholds: {
    /** Ingest answer time, 99th percentile, ms. */
    httpP99Ms: number('HTTP_P99_MS', 1000),
    /** Share of failed requests (ingest not 202, audit neither 200 nor 404, network errors). */
    errorRate: number('ERROR_RATE', 0.01),
    /** Claim POST to its decision visible in the audit lineage, 99th percentile, ms. */
    e2eP99Ms: number('E2E_P99_MS', 10000),
    /** Share of sampled claims whose decision must become visible within E2E_TIMEOUT. */
    e2eDecided: number('E2E_DECIDED_RATE', 0.95),
  },

  e2e: {
    /** Sampled claims per second, each followed until its decision is visible. */
    samplesPerSecond: number('E2E_SAMPLES_PER_SECOND', 2),
    /** Lineage polling interval, ms: the resolution of the end-to-end figure. */
    pollMs: number('E2E_POLL_MS', 100),
    /** A sampled claim not decided by then counts as not decided. */
    timeoutSeconds: number('E2E_TIMEOUT', 30),
  },
};
