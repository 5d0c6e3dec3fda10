import { ClaimSubmitted } from '@claims-mesh/contracts';
import { sampleClaim, ServiceProcess } from '@claims-mesh/testing';
import { ClaimsPipe, startFeatureService, unique } from './feature-harness';

const MINUTE_MS = 60_000;
const MAX_CLAIMS = 10;

describe('feature service: a customer with very many claims (real Kafka, registry and Redis)', () => {
  let service: ServiceProcess;
  let pipe: ClaimsPipe;

  beforeAll(async () => {
    service = await startFeatureService(13104, {
      CUSTOMER_MAX_CLAIMS: String(MAX_CLAIMS),
      FEATURE_SET_VERSION: `it-cap-${unique('fs')}`,
    });
    pipe = await ClaimsPipe.open();
  });

  afterAll(async () => {
    await pipe?.close();
    await service?.stop();
  });

  it('counts each claim with at most CUSTOMER_MAX_CLAIMS earlier ones, the latest, and always counts the claim itself', async () => {
    const customer = unique('customer');
    const t = Date.now() - 2 * 60 * MINUTE_MS;
    const claimAt = (offsetMs: number, amountMinor: number): ClaimSubmitted => {
      const claim = sampleClaim({ customerId: customer, amountMinor, serialNumber: unique('SN'), product: unique('product') });
      claim.timestamps.submittedAt = t + offsetMs;
      return claim;
    };
    // Claim k (k = 1..14) a minute apart claiming k; then one dated before all of them.
    const inOrder = Array.from({ length: 14 }, (_, i) => claimAt(i * MINUTE_MS, i + 1));
    const older = claimAt(-MINUTE_MS, 1000);
    await pipe.submit([...inOrder, older]);

    const windows = (await pipe.featuresOf([...inOrder, older])).map((f) => [f.customerClaimCount30d, f.customerAmount30dMinor]);
    const sumOf = (from: number, to: number) => ((from + to) * (to - from + 1)) / 2;
    expect(windows).toEqual([
      // Up to claim 11: every earlier claim is still kept.
      ...Array.from({ length: 11 }, (_, i) => [i + 1, sumOf(1, i + 1)]),
      [11, sumOf(2, 12)], // claim 12: the 10 latest earlier ones (2..11) and itself
      [11, sumOf(3, 13)],
      [11, sumOf(4, 14)],
      [1, 1000], // older than every kept claim: only itself
    ]);
  });
});
