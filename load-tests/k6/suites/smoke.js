// Smoke: a few claims per second for a few seconds. Proves the mesh answers, decides and that
// the thresholds and reports work; run in `make test`.
import { config } from '../lib/config.js';
import { steadyLoadOptions } from '../lib/options.js';

export { submitBatch } from '../lib/ingest.js';
export { sampleClaimEndToEnd } from '../lib/end-to-end.js';
export { handleSummary } from '../lib/summary.js';

export const options = steadyLoadOptions(config.rate(50), config.duration('10s'));
