import { REDACTED, redactPaths } from './redact';

describe('redactPaths', () => {
  const decision = { claimId: 'c-1', claim: { customerId: 'cust-1', customerEmail: null, amountMinor: 1200 }, note: 'called the customer' };

  it('replaces the values at the paths, nested ones included, and keeps every other field', () => {
    expect(redactPaths(decision, ['claim.customerId', 'note'])).toEqual({ claimId: 'c-1', claim: { customerId: REDACTED, customerEmail: null, amountMinor: 1200 }, note: REDACTED });
  });

  it('leaves a null as it is (nothing was there) and ignores paths the value does not have', () => {
    expect(redactPaths(decision, ['claim.customerEmail', 'claim.serialNumber', 'review.note'])).toEqual(decision);
  });

  it('does not touch the value it was given', () => {
    redactPaths(decision, ['claim.customerId']);
    expect(decision.claim.customerId).toBe('cust-1');
  });
});
