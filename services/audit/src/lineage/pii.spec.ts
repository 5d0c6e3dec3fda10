import { sampleClaim, sampleReview } from '@claims-mesh/testing';
import { MASK, piiPathsOfClaim, piiPathsOfTopic, revealPii, splitPii } from './pii';

describe('splitPii / revealPii', () => {
  it('masks the personal fields the schema marks, keeps their values apart, and puts them back', () => {
    const claim = sampleClaim();
    const { masked, pii } = splitPii(claim, piiPathsOfClaim());

    expect(masked).toEqual({
      ...claim,
      customerId: MASK,
      customerEmail: MASK,
      policyId: MASK,
      description: MASK,
      serialNumber: MASK,
    });
    expect(claim.customerId).toBe('cust-0001');
    expect(revealPii(masked, pii ?? {})).toEqual(claim);
  });

  it('follows nested paths and ignores paths the object does not have', () => {
    const value = { claim: { customerId: 'c-1', amountMinor: 5 }, reviewerId: 'r-1' };
    const { masked, pii } = splitPii(value, ['claim.customerId', 'claim.missing', 'note', 'reviewerId']);

    expect(masked).toEqual({ claim: { customerId: MASK, amountMinor: 5 }, reviewerId: MASK });
    expect(pii).toEqual({ 'claim.customerId': 'c-1', reviewerId: 'r-1' });
    expect(value).toEqual({ claim: { customerId: 'c-1', amountMinor: 5 }, reviewerId: 'r-1' });
    expect(revealPii(masked, pii ?? {})).toEqual(value);
    expect(masked.claim.customerId).toBe(MASK);
  });

  it('masks a personal field that is null too, so a reader cannot tell it was empty', () => {
    const { masked, pii } = splitPii(sampleClaim({ customerEmail: null }), piiPathsOfClaim());
    expect(masked.customerEmail).toBe(MASK);
    expect(revealPii(masked, pii ?? {}).customerEmail).toBeNull();
  });

  it('has nothing to keep apart for an object without personal fields', () => {
    expect(splitPii({ outcome: 'APPROVE' }, piiPathsOfTopic('reviews.completed.v1')).pii).toBeUndefined();
    expect(piiPathsOfTopic('reviews.completed.v1')).toEqual(['reviewerId', 'note']);
    expect(splitPii(sampleReview(), piiPathsOfTopic('reviews.completed.v1')).masked.note).toBe(MASK);
  });
});
