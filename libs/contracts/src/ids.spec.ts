import { randomUUID } from 'node:crypto';
import { claimBucket, deterministicUuid } from './ids';

describe('deterministicUuid', () => {
  it('gives the same RFC 4122 v5-shaped id for the same parts, and another for other parts', () => {
    const id = deterministicUuid('claim-1', 'rules-3', 'event-9');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('claim-1', 'rules-3', 'event-9')).toBe(id);
    expect(deterministicUuid('claim-1', 'rules-4', 'event-9')).not.toBe(id);
    expect(deterministicUuid('claim-1r', 'ules-3', 'event-9')).not.toBe(id);
  });

  // Ids already published must come out the same after any change to how they are computed:
  // a replay after an upgrade has to reproduce them. These were computed by the first version.
  it.each([
    [['claim-1', 'rules-3', 'event-9'], '9e19f000-a1eb-5ed0-8339-da32da7bb82b'],
    [['a'], '86f7e437-faa5-57fc-a15d-1ddcb9eaeaea'],
    [['7d4c1b52-2b8e-4d0e-9f6a-3c1f0a9e5b21', 'features-v1'], '31dafbfd-7c6b-5f11-b172-a1a83cb01112'],
  ])('derives from %j the id it always has', (parts, id) => {
    expect(deterministicUuid(...parts)).toBe(id);
  });
});

describe('claimBucket', () => {
  it('places a claim in [0, 1), the same place every time', () => {
    const id = randomUUID();
    expect(claimBucket(id)).toBeGreaterThanOrEqual(0);
    expect(claimBucket(id)).toBeLessThan(1);
    expect(claimBucket(id, 'audit-sample')).toBe(claimBucket(id, 'audit-sample'));
  });

  it("draws for one purpose independently of another's: a tenth of the canary's tenth is in the audit sample's tenth", () => {
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    const canary = ids.filter((id) => claimBucket(id) < 0.1);
    const alsoSampled = canary.filter((id) => claimBucket(id, 'audit-sample') < 0.1).length / canary.length;
    expect(Math.abs(alsoSampled - 0.1)).toBeLessThanOrEqual(0.03);
  });
});
