import { ClaimSubmitted } from '@claims-mesh/contracts';
import { sampleClaim, ServiceProcess } from '@claims-mesh/testing';
import { ClaimsPipe, startFeatureService, unique } from './feature-harness';

const MINUTE_MS = 60_000;

describe('feature service: replays (real Kafka, registry and Redis)', () => {
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

  it('absorbs a replayed batch: the same enriched events again, and nothing counted twice', async () => {
    const customer = unique('customer');
    const t = Date.now();
    const claimAt = (minutes: number, amountMinor: number): ClaimSubmitted => {
      const claim = sampleClaim({
        customerId: customer,
        serialNumber: unique('SN'),
        product: unique('product'),
        amountMinor,
      });
      claim.timestamps.submittedAt = t + minutes * MINUTE_MS;
      return claim;
    };
    const batch = [claimAt(0, 100), claimAt(1, 200), claimAt(2, 400)];

    await pipe.submit(batch);
    await pipe.enrichedOf(batch);
    await pipe.submit(batch);
    const published = await pipe.enrichedOf(batch, 2);

    for (const [first, replayed] of published) {
      expect(replayed.key).toBe(first.key);
      expect(replayed.value.eventId).toBe(first.value.eventId);
      expect(replayed.value.causationId).toBe(first.value.causationId);
      expect(replayed.value.claim).toEqual(first.value.claim);
      expect(replayed.value.features).toEqual(first.value.features);
    }
    expect(published.map(([first]) => first.value.features.customerClaimCount1h)).toEqual([1, 2, 3]);

    const next = claimAt(3, 800);
    await pipe.submit([next]);
    const [features] = await pipe.featuresOf([next]);
    expect(features.customerClaimCount1h).toBe(4);
    expect(features.customerAmount1hMinor).toBe(1_500);
    expect(features.isFirstClaim).toBe(false);
  });
});
