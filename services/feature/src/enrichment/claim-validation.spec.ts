import { sampleClaim } from '@claims-mesh/testing';
import { enrichmentProblem } from './claim-validation';

describe('enrichmentProblem', () => {
  it('accepts a usual claim', () => {
    expect(enrichmentProblem(sampleClaim())).toBeUndefined();
  });

  it('accepts a claim of nothing (amount 0)', () => {
    expect(enrichmentProblem(sampleClaim({ amountMinor: 0 }))).toBeUndefined();
  });

  it.each([
    [{ customerId: ' ' }, /customerId is empty/],
    [{ serialNumber: '' }, /serialNumber is empty/],
    [{ product: '' }, /product is empty/],
    [{ amountMinor: -1 }, /amountMinor -1/],
    [{ mediaCount: -2 }, /mediaCount -2/],
  ])('names what is wrong with %j', (override, reason) => {
    expect(enrichmentProblem(sampleClaim(override))).toMatch(reason);
  });

  it('refuses a claim without a submission time', () => {
    const claim = sampleClaim();
    claim.timestamps.submittedAt = 0;
    expect(enrichmentProblem(claim)).toMatch(/submittedAt 0/);
  });
});
