// Constant arrival rate: RATE claims/s for DURATION, whatever the answer times (open model),
// so a slow mesh shows as latency and dropped iterations, not as a lower offered rate.
import { config } from '../lib/config.js';
import { steadyLoadOptions } from '../lib/options.js';

export { submitBatch } from '../lib/ingest.js';
export { sampleClaimEndToEnd } from '../lib/end-to-end.js';
export { handleSummary } from '../lib/summary.js';

export const options = steadyLoadOptions(config.rate(1000), config.duration('2m'));
