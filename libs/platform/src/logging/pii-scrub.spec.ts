import { piiFieldNames, REDACTED, scrubPii } from './pii-scrub';

describe('piiFieldNames', () => {
  it('names every field the schemas mark as personal data', () => {
    expect([...piiFieldNames()].sort()).toEqual(
      expect.arrayContaining(['customerEmail', 'customerId', 'description', 'note', 'policyId', 'reviewerId', 'serialNumber']),
    );
  });

  it('does not name the claim id, which every log line about a claim carries', () => {
    expect(piiFieldNames().has('claimId')).toBe(false);
  });
});

describe('scrubPii', () => {
  const names = new Set(['customerEmail', 'note']);

  it('replaces personal fields at any depth, in objects and arrays', () => {
    const scrubbed = scrubPii({ claimId: 'c-1', claim: { customerEmail: 'jane@example.test' }, reviews: [{ note: 'call her' }] }, names);
    expect(scrubbed).toEqual({ claimId: 'c-1', claim: { customerEmail: REDACTED }, reviews: [{ note: REDACTED }] });
  });

  it('leaves the logged object itself untouched', () => {
    const original = { claim: { customerEmail: 'jane@example.test' } };
    scrubPii(original, names);
    expect(original.claim.customerEmail).toBe('jane@example.test');
  });

  it('keeps errors and other instances for their own serializers', () => {
    const err = new Error('boom');
    expect(scrubPii({ err }, names).err).toBe(err);
  });

  it('drops what is nested too deep to check rather than logging it unchecked', () => {
    let deep: Record<string, unknown> = { customerEmail: 'jane@example.test' };
    for (let i = 0; i < 10; i++) deep = { next: deep };
    expect(JSON.stringify(scrubPii(deep, names))).not.toContain('jane@example.test');
  });
});
