import { ClaimSubmitted, deterministicUuid } from '@claims-mesh/contracts';
import { DLQ_HEADERS } from '@claims-mesh/kafka';
import { sampleClaim, ServiceProcess, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';
import { ClaimsPipe, DAY_MS, HOUR_MS, startFeatureService, SUBMITTED, unique } from './feature-harness';

const MINUTE_MS = 60_000;

/** A claim of `customerId` filed `offsetMs` after `base`, claiming `amountMinor`. */
function claimAt(customerId: string, base: number, offsetMs: number, amountMinor: number): ClaimSubmitted {
  const claim = sampleClaim({
    customerId,
    amountMinor,
    serialNumber: unique('SN'),
    product: unique('product'),
  });
  claim.timestamps.submittedAt = base + offsetMs;
  return claim;
}

describe('feature service: enrichment (real Kafka, registry and Redis)', () => {
  let service: ServiceProcess;
  let pipe: ClaimsPipe;

  beforeAll(async () => {
    service = await startFeatureService(13102);
    pipe = await ClaimsPipe.open();
  });

  afterAll(async () => {
    await pipe?.close();
    await service?.stop();
  });

  it('publishes an enriched claim keyed by claimId, with its features and an id derived from the submitted event', async () => {
    const claim = sampleClaim({
      customerId: unique('customer'),
      serialNumber: unique('SN'),
      product: unique('product'),
    });
    await pipe.submit([claim]);

    const [[{ key, value: enriched }]] = await pipe.enrichedOf([claim]);

    expect(key).toBe(claim.claimId);
    expect(enriched.eventId).toBe(deterministicUuid(claim.eventId, 'fs-1'));
    expect(enriched.claimId).toBe(claim.claimId);
    expect(enriched.causationId).toBe(claim.eventId);
    expect(enriched.claim).toEqual(claim);
    expect(enriched.featureSetVersion).toBe('fs-1');
    expect(enriched.features).toEqual({
      customerClaimCount1h: 1,
      customerClaimCount24h: 1,
      customerClaimCount30d: 1,
      customerAmount1hMinor: claim.amountMinor,
      customerAmount24hMinor: claim.amountMinor,
      customerAmount30dMinor: claim.amountMinor,
      amountZScore: 0,
      daysSincePolicyStart: 400,
      descriptionLength: claim.description.length,
      mediaCount: claim.mediaCount,
      isFirstClaim: true,
      serialNumberSeenBefore: false,
    });
    expect(enriched.timestamps).toEqual({ ...claim.timestamps, enrichedAt: expect.any(Number) });
    expect(enriched.timestamps.enrichedAt).toBeGreaterThanOrEqual(claim.timestamps.submittedAt);
  });

  it('counts a customer’s claims and amounts per window by event time: a claim exactly one window old is out, the current one in', async () => {
    const customer = unique('customer');
    const t = Date.now() - 40 * DAY_MS;
    // Amounts are powers of ten, so each sum tells exactly which claims it holds.
    const claims = [
      claimAt(customer, t, 0, 1),
      claimAt(customer, t, 59 * MINUTE_MS, 10),
      claimAt(customer, t, HOUR_MS, 100),
      claimAt(customer, t, HOUR_MS + MINUTE_MS, 1_000),
      claimAt(customer, t, DAY_MS - MINUTE_MS, 10_000),
      claimAt(customer, t, DAY_MS, 100_000),
      claimAt(customer, t, DAY_MS + MINUTE_MS, 1_000_000),
      claimAt(customer, t, 30 * DAY_MS - 1, 10_000_000),
      claimAt(customer, t, 30 * DAY_MS, 100_000_000),
    ];
    await pipe.submit(claims);

    const windows = (await pipe.featuresOf(claims)).map((f) => [
      f.customerClaimCount1h,
      f.customerAmount1hMinor,
      f.customerClaimCount24h,
      f.customerAmount24hMinor,
      f.customerClaimCount30d,
      f.customerAmount30dMinor,
    ]);
    expect(windows).toEqual([
      // 1 h: count, amount | 24 h: count, amount | 30 d: count, amount
      [1, 1, 1, 1, 1, 1], // t
      [2, 11, 2, 11, 2, 11], // t + 59 min
      [2, 110, 3, 111, 3, 111], // t + 1 h: the claim at t is exactly 1 h old, out of the 1 h window
      [3, 1_110, 4, 1_111, 4, 1_111], // t + 1 h 1 min
      [1, 10_000, 5, 11_111, 5, 11_111], // t + 23 h 59 min
      [2, 110_000, 5, 111_110, 6, 111_111], // t + 24 h: the claim at t is out of the 24 h window
      [3, 1_110_000, 6, 1_111_110, 7, 1_111_111], // t + 24 h 1 min
      [1, 10_000_000, 1, 10_000_000, 8, 11_111_111], // t + 30 d - 1 ms: the claim at t is still in
      [2, 110_000_000, 2, 110_000_000, 8, 111_111_110], // t + 30 d: the claim at t is out
    ]);
  });

  it('marks only the customer’s first claim as such', async () => {
    const customer = unique('customer');
    const t = Date.now();
    const claims = [
      claimAt(customer, t, 0, 100),
      claimAt(customer, t, MINUTE_MS, 100),
      claimAt(customer, t, 2 * MINUTE_MS, 100),
    ];
    await pipe.submit(claims);

    expect((await pipe.featuresOf(claims)).map((f) => f.isFirstClaim)).toEqual([true, false, false]);
  });

  it('counts a batch of one customer’s claims in offset order, also across the runs of the feature script (64 claims each)', async () => {
    const customer = unique('customer');
    const t = Date.now() - 200 * MINUTE_MS;
    const claims = Array.from({ length: 150 }, (_, i) => claimAt(customer, t, i * MINUTE_MS, i + 1));
    await pipe.submit(claims);

    const features = await pipe.featuresOf(claims);
    expect(features.map((f) => f.customerClaimCount30d)).toEqual(claims.map((_, i) => i + 1));
    expect(features.map((f) => f.customerAmount30dMinor)).toEqual(claims.map((_, i) => ((i + 1) * (i + 2)) / 2));
    expect(features.filter((f) => f.isFirstClaim)).toHaveLength(1);
  });

  it('scores the amount against the running mean and deviation of the same product, 0 for the product’s first claims', async () => {
    const product = unique('product');
    const amounts = [100, 200, 300, 400, 500, 1_000, 50];
    const claims = amounts.map((amountMinor) =>
      sampleClaim({ customerId: unique('customer'), serialNumber: unique('SN'), product, amountMinor }),
    );
    await pipe.submit(claims);

    const scores = (await pipe.featuresOf(claims)).map((f) => f.amountZScore);
    // ZSCORE_MIN_SAMPLES defaults to 5: the first five claims have too little history.
    expect(scores.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(scores[5]).toBeCloseTo(zScore(1_000, amounts.slice(0, 5)), 9);
    expect(scores[6]).toBeCloseTo(zScore(50, amounts.slice(0, 6)), 9);
    expect(scores[5]).toBeGreaterThan(4);
    expect(scores[6]).toBeLessThan(-1);
  });

  it('carries a product’s statistics from one run of the feature script to the next, and from one batch to the next', async () => {
    const product = unique('product');
    // 70 claims in one send span two script runs (64 + 6); the last claim is sent after them.
    const amounts = Array.from({ length: 70 }, (_, i) => 100 + ((i * 37) % 50));
    const claimOf = (amountMinor: number) =>
      sampleClaim({ customerId: unique('customer'), serialNumber: unique('SN'), product, amountMinor });
    const claims = amounts.map(claimOf);
    await pipe.submit(claims);
    const scores = (await pipe.featuresOf(claims)).map((f) => f.amountZScore);
    const later = claimOf(500);
    await pipe.submit([later]);
    const [laterFeatures] = await pipe.featuresOf([later]);

    expect(scores[63]).toBeCloseTo(zScore(amounts[63], amounts.slice(0, 63)), 9);
    expect(scores[64]).toBeCloseTo(zScore(amounts[64], amounts.slice(0, 64)), 9);
    expect(scores[69]).toBeCloseTo(zScore(amounts[69], amounts.slice(0, 69)), 9);
    expect(laterFeatures.amountZScore).toBeCloseTo(zScore(500, amounts), 9);
  });

  it('flags a serial number claimed before by anyone, however it is typed', async () => {
    const serial = unique('SN').toUpperCase();
    const claims = [
      sampleClaim({ customerId: unique('customer'), serialNumber: serial }),
      sampleClaim({ customerId: unique('customer'), serialNumber: unique('SN') }),
      sampleClaim({ customerId: unique('customer'), serialNumber: serial }),
      sampleClaim({ customerId: unique('customer'), serialNumber: ` ${serial.toLowerCase()} ` }),
    ];
    await pipe.submit(claims);

    expect((await pipe.featuresOf(claims)).map((f) => f.serialNumberSeenBefore)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it('sends a claim it cannot enrich to the DLQ with the reason, and enriches the next one of the partition', async () => {
    const refused = sampleClaim({ customerId: unique('customer'), amountMinor: -500 });
    const next = sampleClaim({ customerId: unique('customer') });
    const letters = await TopicTail.start(testKafka('it-feature-dlq'), [`${SUBMITTED}.dlq`]);
    try {
      await pipe.submit([refused, next]);

      await pipe.enrichedOf([next]);
      const letter = await waitFor('the refused claim in the DLQ', async () =>
        letters.byKey(`${SUBMITTED}.dlq`).get(refused.claimId)?.[0],
      );
      expect(letter.headers?.[DLQ_HEADERS.errorClass]?.toString()).toBe('InvalidRecordError');
      expect(letter.headers?.[DLQ_HEADERS.errorMessage]?.toString()).toMatch(/amountMinor -500/);
      expect(letter.headers?.[DLQ_HEADERS.service]?.toString()).toBe('feature');
    } finally {
      await letters.stop();
    }
  });
});

/** (x - mean) / sample standard deviation, computed the plain two-pass way. */
function zScore(x: number, earlier: number[]): number {
  const mean = earlier.reduce((sum, v) => sum + v, 0) / earlier.length;
  const variance = earlier.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (earlier.length - 1);
  return (x - mean) / Math.sqrt(variance);
}
