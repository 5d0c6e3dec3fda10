import { randomUUID } from 'node:crypto';
import { ClaimSubmitted } from '@claims-mesh/contracts';
import { sampleClaim, ServiceProcess } from '@claims-mesh/testing';
import { ClaimsPipe, startFeatureService, unique } from './feature-harness';

const MINUTE_MS = 60_000;

describe('feature service: a claim sent round again after an evidence request (real Kafka, registry and Redis)', () => {
  let service: ServiceProcess;
  let pipe: ClaimsPipe;

  beforeAll(async () => {
    service = await startFeatureService(13103);
    pipe = await ClaimsPipe.open();
  });

  afterAll(async () => {
    await pipe?.close();
    await service?.stop();
  });

  it("scores a revision with its first round's velocity counts and serial history, counting nothing again", async () => {
    const customer = unique('customer');
    const serial = unique('SN');
    const product = unique('product');
    const t = Date.now();
    const claimAt = (minutes: number, amountMinor: number, serialNumber = unique('SN')): ClaimSubmitted => {
      const claim = sampleClaim({ customerId: customer, serialNumber, product, amountMinor });
      claim.timestamps.submittedAt = t + minutes * MINUTE_MS;
      return claim;
    };
    const earlier = claimAt(0, 100);
    const claim = claimAt(1, 200, serial);
    await pipe.submit([earlier, claim]);
    const [, first] = await pipe.featuresOf([earlier, claim]);
    expect(first.customerClaimCount1h).toBe(2);
    expect(first.customerAmount1hMinor).toBe(300);
    expect(first.isFirstClaim).toBe(false);
    expect(first.serialNumberSeenBefore).toBe(false);

    // The evidence round: same claim (id, time, amount, serial), new event, revision 1, more media.
    const revision: ClaimSubmitted = {
      ...claim,
      eventId: randomUUID(),
      mediaCount: claim.mediaCount + 3,
      description: `${claim.description} Photos attached.`,
      revision: 1,
    };
    await pipe.submit([revision]);
    const rounds = await pipe.enrichedOf([claim], 2);
    const second = rounds[0].find((r) => r.value.causationId === revision.eventId);
    expect(second?.value.claim.revision).toBe(1);
    const features = second!.value.features;
    expect(features.customerClaimCount1h).toBe(first.customerClaimCount1h);
    expect(features.customerClaimCount24h).toBe(first.customerClaimCount24h);
    expect(features.customerClaimCount30d).toBe(first.customerClaimCount30d);
    expect(features.customerAmount1hMinor).toBe(first.customerAmount1hMinor);
    expect(features.isFirstClaim).toBe(false);
    expect(features.serialNumberSeenBefore).toBe(false);
    expect(features.mediaCount).toBe(claim.mediaCount + 3);

    // The customer's next claim sees two claims before it, not three; another claim naming the serial sees it.
    const next = claimAt(2, 400, serial);
    await pipe.submit([next]);
    const [after] = await pipe.featuresOf([next]);
    expect(after.customerClaimCount1h).toBe(3);
    expect(after.customerAmount1hMinor).toBe(700);
    expect(after.serialNumberSeenBefore).toBe(true);
  });
});
