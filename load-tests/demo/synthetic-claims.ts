import { randomUUID } from 'node:crypto';

/** A claim request as ingest's HTTP API takes it. */
export type ClaimRequest = Record<string, string | number>;

const PRODUCTS = ['phone', 'laptop', 'tablet', 'washer', 'tv', 'camera'];
const CHANNELS = ['WEB', 'MOBILE_APP', 'PHONE', 'BRANCH', 'PARTNER_API'];
const REGIONS = ['EU-WEST', 'EU-NORTH', 'UK', 'US-EAST'];

/** A small deterministic generator (mulberry32) so every demo run sends the same claims. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` claims from a few thousand customers, so some customers claim repeatedly (velocity
 * features), a few serial numbers come back (repeated-serial flag) and amounts are skewed
 * with a heavy tail (z-scores): enough variety for every action of the rule set to occur.
 */
export function syntheticClaims(count: number, seed = 7): ClaimRequest[] {
  const random = seeded(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const customers = Math.max(10, Math.floor(count / 3));
  const run = randomUUID().slice(0, 8); // fresh customers per run: windows start empty
  return Array.from({ length: count }, (_, i) => {
    const customer = Math.floor(random() ** 2 * customers);
    const repeatedSerial = random() < 0.03;
    const amount = Math.round(2000 + random() ** 3 * 300_000);
    const started = new Date(Date.UTC(2023, 0, 1) + Math.floor(random() * 1000) * 86_400_000);
    return {
      customerId: `demo-${run}-${customer}`,
      customerEmail: `customer${customer}@example.com`,
      policyId: `pol-${run}-${customer}`,
      policyStartDate: started.toISOString().slice(0, 10),
      product: pick(PRODUCTS),
      amountMinor: amount,
      currency: 'EUR',
      channel: pick(CHANNELS),
      description: 'Device damaged. '.repeat(1 + Math.floor(random() * 12)).trim(),
      mediaCount: Math.floor(random() * 6),
      serialNumber: repeatedSerial ? `SN-REPEAT-${Math.floor(random() * 20)}` : `SN-${run}-${i}`,
      region: pick(REGIONS),
    };
  });
}
