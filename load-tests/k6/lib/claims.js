import { SharedArray } from 'k6/data';
import { config } from './config.js';

const PRODUCTS = ['phone', 'laptop', 'tablet', 'washer', 'tv', 'camera'];
const CHANNELS = ['WEB', 'MOBILE_APP', 'PHONE', 'BRANCH', 'PARTNER_API'];
const REGIONS = ['EU-WEST', 'EU-NORTH', 'UK', 'US-EAST'];
const BODIES = 40;

const pick = (list) => list[Math.floor(Math.random() * list.length)];

/**
 * A claim as ingest's HTTP API takes it, without ids: ingest assigns fresh ones to every
 * submission, so the same body can be sent again and again as new claims. Customers repeat
 * (velocity features) and amounts have a heavy tail, as in the demo's synthetic claims.
 */
export function syntheticClaim(run, i) {
  const customer = Math.floor(Math.random() ** 2 * 2000);
  const started = new Date(Date.UTC(2023, 0, 1) + Math.floor(Math.random() * 1000) * 86400000);
  return {
    customerId: `k6-${run}-${customer}`,
    customerEmail: `customer${customer}@example.com`,
    policyId: `pol-k6-${run}-${customer}`,
    policyStartDate: started.toISOString().slice(0, 10),
    product: pick(PRODUCTS),
    amountMinor: Math.round(2000 + Math.random() ** 3 * 300000),
    currency: 'EUR',
    channel: pick(CHANNELS),
    description: 'Device damaged. '.repeat(1 + Math.floor(Math.random() * 12)).trim(),
    mediaCount: Math.floor(Math.random() * 6),
    serialNumber: `SN-k6-${run}-${i}`,
    region: pick(REGIONS),
  };
}

/**
 * Request bodies of BATCH_SIZE claims, serialised once in the init context and shared by all
 * VUs read-only, so the load generator spends its time sending.
 */
export const batchBodies = new SharedArray('claim batch bodies', () => {
  const run = Math.random().toString(36).slice(2, 10);
  return Array.from({ length: BODIES }, (_, b) =>
    JSON.stringify({
      claims: Array.from({ length: config.batchSize }, (_, i) =>
        syntheticClaim(run, b * config.batchSize + i),
      ),
    }),
  );
});
