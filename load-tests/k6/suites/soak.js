// Bounded soak: a steady RATE claims/s for DURATION (30 minutes by default, never open-ended),
// to show slow leaks, growing lag or latency drift that a short run hides.
import { config } from '../lib/config.js';
import { steadyLoadOptions } from '../lib/options.js';

export { submitBatch } from '../lib/ingest.js';
export { sampleClaimEndToEnd } from '../lib/end-to-end.js';
export { handleSummary } from '../lib/summary.js';

export const options = steadyLoadOptions(config.rate(1000), config.duration('30m'));
