// Spike: RATE claims/s, a jump to SPIKE_RATE within seconds, held for SPIKE_HOLD, then back
// to RATE for RECOVERY. Thresholds cover the whole run: the mesh must absorb the spike (ingest
// may answer 429 beyond its bounds, which counts as failed) and recover.
import { config } from '../lib/config.js';
import { endToEndScenario } from '../lib/end-to-end.js';
import { claimsPerSecond, commonOptions, thresholds } from '../lib/options.js';

export { submitBatch } from '../lib/ingest.js';
export { sampleClaimEndToEnd } from '../lib/end-to-end.js';
export { handleSummary } from '../lib/summary.js';

const baseRate = config.rate(500);
const spikeRate = config.number('SPIKE_RATE', 3000);
const seconds = (name, fallback) => config.number(name, fallback);
const phases = {
  before: seconds('BEFORE_SECONDS', 30),
  rise: seconds('RISE_SECONDS', 5),
  hold: seconds('SPIKE_HOLD_SECONDS', 30),
  fall: seconds('FALL_SECONDS', 5),
  recovery: seconds('RECOVERY_SECONDS', 60),
};
const total = Object.values(phases).reduce((a, b) => a + b, 0);

export const options = {
  ...commonOptions,
  scenarios: {
    load: {
      executor: 'ramping-arrival-rate',
      startRate: baseRate,
      stages: [
        { target: baseRate, duration: `${phases.before}s` },
        { target: spikeRate, duration: `${phases.rise}s` },
        { target: spikeRate, duration: `${phases.hold}s` },
        { target: baseRate, duration: `${phases.fall}s` },
        { target: baseRate, duration: `${phases.recovery}s` },
      ],
      ...claimsPerSecond(spikeRate),
    },
    e2e: endToEndScenario(`${total}s`),
  },
  thresholds: thresholds(),
};
