// Ramp to saturation: the offered rate climbs linearly from RATE to MAX_RATE claims/s over
// DURATION. The run stops at the first broken threshold (after 10 s of grace), so the
// summary's last rates show where the mesh saturates.
import { config } from '../lib/config.js';
import { endToEndScenario } from '../lib/end-to-end.js';
import { claimsPerSecond, commonOptions, thresholds } from '../lib/options.js';

export { submitBatch } from '../lib/ingest.js';
export { sampleClaimEndToEnd } from '../lib/end-to-end.js';
export { handleSummary } from '../lib/summary.js';

const startRate = config.rate(500);
const maxRate = config.number('MAX_RATE', 10000);
const duration = config.duration('5m');

export const options = {
  ...commonOptions,
  scenarios: {
    load: {
      executor: 'ramping-arrival-rate',
      startRate,
      stages: [{ target: maxRate, duration }],
      ...claimsPerSecond(maxRate),
    },
    e2e: endToEndScenario(duration),
  },
  thresholds: thresholds({ abort: true }),
};
