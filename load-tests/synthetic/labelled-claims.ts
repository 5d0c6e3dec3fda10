import { randomUUID } from 'node:crypto';
import { ClaimRequest, seeded } from '../demo/synthetic-claims';
import { baselineFraudLogit, ClaimFeatures, shiftedFraudLogit, sigmoid } from './fraud-truth';

/**
 * Synthetic claims with their ground truth (fraud or not), drawn like infra/models/claims_data.py
 * draws the served models' training data, so those models score them sensibly.
 *
 * - `baseline`: the world the served models were trained on.
 * - `shifted`: the same, except that a share of the claims (`ringShare`) come from an organised
 *   ring: moderate amounts on mature policies from first-time customers (what the models take for
 *   safe), with long polished descriptions and many photos (RING_PATTERN). Most of them are fraud,
 *   and their descriptionLength and mediaCount move those features' distributions far enough for
 *   the feature service's PSI to see it.
 *
 * The truth stays beside the request in the output and never goes into it: the HTTP request,
 * and so every Kafka record, carries only what a real upstream system would send.
 */
export type GenerationMode = 'baseline' | 'shifted';

export interface LabelledClaimOptions {
  /** Seed of the deterministic random stream: the same seed draws the same claims (ids aside). */
  seed?: number;
  mode?: GenerationMode;
  /** Part of every customer, policy and serial id; fresh by default so windows start empty. */
  runId?: string;
  /** When the claims will be submitted (epoch ms): policy start dates are drawn back from its day. */
  now?: number;
  /** Shifted mode: share of the claims that come from the ring (0..1). */
  ringShare?: number;
}

export interface LabelledClaim {
  /** The body ingest's POST /v1/claims takes (one element of /v1/claims/batch's `claims`). */
  request: ClaimRequest;
  /** The ground truth. */
  fraud: boolean;
  /** How the claim was drawn: from the baseline world or by the shifted world's ring. */
  pattern: 'baseline' | 'ring';
  /** The features the feature service is expected to compute for it, from which `fraud` was drawn. */
  features: ClaimFeatures;
}

export const DEFAULT_SEED = 7;
export const DEFAULT_RING_SHARE = 0.25;

const DAY_MS = 86_400_000;

/** claims_data.py's catalogue: median claimed amount (minor units) and log-normal sigma. */
const PRODUCTS: { name: string; median: number; sigma: number }[] = [
  { name: 'phone', median: 45_000, sigma: 0.45 },
  { name: 'laptop', median: 95_000, sigma: 0.4 },
  { name: 'washer', median: 60_000, sigma: 0.35 },
  { name: 'headphones', median: 12_000, sigma: 0.55 },
  { name: 'tv', median: 80_000, sigma: 0.5 },
];
const INFLATED_SHARE = 0.04; // claims inflated 2 to 5 times
const INFLATION = { low: 2, high: 5 };
const REGIONS: [string, number][] = [
  ['EU-WEST', 0.4],
  ['EU-NORTH', 0.2],
  ['UK', 0.25],
  ['US-EAST', 0.15],
];
const CHANNELS: [string, number][] = [
  ['WEB', 0.45],
  ['MOBILE_APP', 0.3],
  ['PHONE', 0.1],
  ['BRANCH', 0.05],
  ['PARTNER_API', 0.1],
];
const RING_CHANNELS: [string, number][] = [
  ['PARTNER_API', 0.6],
  ['WEB', 0.4],
];
/** New customers who file a burst of claims (velocity), and the spacing of a burst's claims in the output. */
const BURSTY_SHARE = 0.015;
const BURST_GAP = { min: 20, max: 60 };
const REPEATED_SERIAL_SHARE = 0.02;
/** A repeated serial repeats one this many claims back at least, so it is very likely seen first. */
const REPEATED_SERIAL_DISTANCE = 30;
const BEFORE_POLICY_SHARE = 0.02;

/**
 * The amount moments the feature service's running z-score converges to on these claims (the
 * product's log-normal mixed with the inflated share), so the truth's z is the one it computes.
 */
function amountMoments(product: (typeof PRODUCTS)[number]): { mean: number; sd: number } {
  const mean = product.median * Math.exp(product.sigma ** 2 / 2);
  const second = product.median ** 2 * Math.exp(2 * product.sigma ** 2);
  const inflationMean = (INFLATION.low + INFLATION.high) / 2;
  const inflationSecond = (INFLATION.high ** 3 - INFLATION.low ** 3) / (3 * (INFLATION.high - INFLATION.low));
  const mixMean = mean * (1 - INFLATED_SHARE + INFLATED_SHARE * inflationMean);
  const mixSecond = second * (1 - INFLATED_SHARE + INFLATED_SHARE * inflationSecond);
  return { mean: mixMean, sd: Math.sqrt(mixSecond - mixMean ** 2) };
}

const WORDS =
  'the device stopped working after a fall and the screen shows lines the casing is cracked near the hinge ' +
  'it no longer charges water got in during the storm the repair shop quoted a replacement part ' +
  'photos of the damage and the receipt are attached';
const RING_TEXT =
  'I am writing to formally submit a claim under my policy for the item described below. ' +
  'On the date in question the unit was being used in accordance with the manufacturer guidelines when it ' +
  'suffered sudden and accidental damage that rendered it completely inoperable. I have enclosed clear ' +
  'photographs from several angles, the original proof of purchase, the serial number plate, an independent ' +
  'repair assessment confirming that the damage is beyond economical repair, and a signed statement of the ' +
  'circumstances. I kindly request that the claim be settled at the replacement value stated in the assessment. ';

class Draws {
  readonly uniform: () => number;
  constructor(seed: number) {
    this.uniform = seeded(seed);
  }
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.uniform() * (maxInclusive - min + 1));
  }
  normal(): number {
    const u = 1 - this.uniform(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.uniform(); p > limit; p *= this.uniform()) k++;
    return k;
  }
  weighted(shares: [string, number][]): string {
    let r = this.uniform();
    for (const [value, share] of shares) {
      if ((r -= share) < 0) return value;
    }
    return shares[shares.length - 1][0];
  }
  /** Text of exactly `length` characters (ASCII), words drawn from `source`. */
  text(source: string, length: number): string {
    const words = source.split(' ').filter(Boolean);
    let out = '';
    while (out.length < length) out += (out ? ' ' : '') + words[Math.floor(this.uniform() * words.length)];
    return fit(out, length);
  }
  /** `source` read on from one of its sentences, again and again, cut to exactly `length` characters. */
  prose(source: string, length: number): string {
    const starts = [0, ...[...source.matchAll(/\. /g)].map((m) => (m.index ?? 0) + 2)].filter(
      (at) => at < source.length,
    );
    let out = source.slice(starts[Math.floor(this.uniform() * starts.length)]);
    while (out.length < length) out += source;
    return fit(out, length);
  }
}

function fit(text: string, length: number): string {
  const out = text.slice(0, length);
  return out.endsWith(' ') ? `${out.slice(0, -1)}.` : out;
}

interface Customer {
  id: string;
  daysSincePolicyStart: number;
  claims: number;
}

/**
 * `count` claims with their truth, in the order to submit them. A customer's later claims come
 * after their earlier ones (some tens of claims apart, so they are processed in that order) and
 * are counted by the velocity windows as all falling within the hour, which they do when the
 * claims are submitted as fast as ingest takes them.
 */
export function labelledClaims(count: number, options: LabelledClaimOptions = {}): LabelledClaim[] {
  const {
    seed = DEFAULT_SEED,
    mode = 'baseline',
    now = Date.now(),
    ringShare = DEFAULT_RING_SHARE,
  } = options;
  if (!(ringShare >= 0 && ringShare <= 1)) throw new Error(`ringShare must be within 0..1, got ${ringShare}`);
  const run = options.runId ?? randomUUID().slice(0, 8);
  const draw = new Draws(seed);
  const today = Math.floor(now / DAY_MS);
  const logit = mode === 'shifted' ? shiftedFraudLogit : baselineFraudLogit;
  const due: { at: number; customer: Customer }[] = []; // a burst's later claims, by position
  const serials: string[] = [];
  const out: LabelledClaim[] = [];
  let customers = 0;
  const newCustomer = (daysSincePolicyStart: number): Customer => ({
    id: `syn-${run}-${customers++}`,
    daysSincePolicyStart,
    claims: 0,
  });

  for (let i = 0; i < count; i++) {
    const next = due.findIndex((d) => d.at <= i);
    const ring = next < 0 && mode === 'shifted' && draw.uniform() < ringShare;
    let customer: Customer;
    if (next >= 0) {
      customer = due.splice(next, 1)[0].customer;
    } else if (ring) {
      customer = newCustomer(draw.int(180, 1095));
    } else {
      const days = draw.uniform() < BEFORE_POLICY_SHARE ? -draw.int(1, 59) : draw.int(0, 1095);
      customer = newCustomer(days);
      if (draw.uniform() < BURSTY_SHARE) {
        const later = 1 + draw.poisson(1.5);
        let at = i;
        for (let k = 0; k < Math.min(later, 5); k++) {
          at += draw.int(BURST_GAP.min, BURST_GAP.max);
          due.push({ at, customer });
        }
      }
    }
    customer.claims++;

    const product = PRODUCTS[draw.int(0, PRODUCTS.length - 1)];
    const { mean, sd } = amountMoments(product);
    let amountMinor: number;
    if (ring) {
      amountMinor = Math.round(mean + sd * (-0.6 + 1.5 * draw.uniform())); // z within -0.6..0.9
    } else {
      const inflation =
        draw.uniform() < INFLATED_SHARE
          ? INFLATION.low + (INFLATION.high - INFLATION.low) * draw.uniform()
          : 1;
      amountMinor = Math.max(
        1,
        Math.round(product.median * Math.exp(product.sigma * draw.normal()) * inflation),
      );
    }
    const descriptionLength = ring
      ? draw.int(700, 1400)
      : Math.min(4000, Math.max(1, Math.round(160 * Math.exp(0.7 * draw.normal()))));
    const mediaCount = ring ? draw.int(5, 9) : Math.min(20, draw.poisson(1.8));
    const repeatsSerial = !ring && i >= REPEATED_SERIAL_DISTANCE && draw.uniform() < REPEATED_SERIAL_SHARE;
    const serialNumber = repeatsSerial
      ? serials[draw.int(0, i - REPEATED_SERIAL_DISTANCE)]
      : `SN-${run}-${i}`;
    serials.push(serialNumber);

    const features: ClaimFeatures = {
      amountMinor,
      customerClaimCount1h: customer.claims,
      customerClaimCount24h: customer.claims,
      customerClaimCount30d: customer.claims,
      amountZScore: (amountMinor - mean) / sd,
      daysSincePolicyStart: customer.daysSincePolicyStart,
      descriptionLength,
      mediaCount,
      isFirstClaim: customer.claims === 1,
      serialNumberSeenBefore: repeatsSerial,
    };
    const request: ClaimRequest = {
      customerId: customer.id,
      customerEmail: `${customer.id}@example.com`,
      policyId: `pol-${customer.id}`,
      policyStartDate: new Date((today - customer.daysSincePolicyStart) * DAY_MS).toISOString().slice(0, 10),
      product: product.name,
      amountMinor,
      currency: 'EUR',
      channel: draw.weighted(ring ? RING_CHANNELS : CHANNELS),
      description: ring ? draw.prose(RING_TEXT, descriptionLength) : draw.text(WORDS, descriptionLength),
      mediaCount,
      serialNumber,
      region: draw.weighted(REGIONS),
    };
    const fraud = draw.uniform() < sigmoid(logit(features));
    out.push({ request, fraud, pattern: ring ? 'ring' : 'baseline', features });
  }
  return out;
}
