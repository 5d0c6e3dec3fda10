import { randomUUID } from 'node:crypto';
import { claimBucket } from '@claims-mesh/contracts';
import { inCanary } from './canary-split';

describe('canary split', () => {
  it.each([0.1, 0.25, 0.5])('puts %p of 10,000 claims in the canary, within ±2%', (weight) => {
    const ids = Array.from({ length: 10_000 }, () => randomUUID());
    const share = ids.filter((id) => inCanary(id, weight)).length / ids.length;
    expect(Math.abs(share - weight)).toBeLessThanOrEqual(0.02);
  });

  it('assigns a claim the same way every time, so a replay routes it the same way', () => {
    const id = randomUUID();
    expect(claimBucket(id)).toBe(claimBucket(id));
  });

  it('sends no claim to the canary at weight 0 and every claim at weight 1', () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    expect(ids.some((id) => inCanary(id, 0))).toBe(false);
    expect(ids.every((id) => inCanary(id, 1))).toBe(true);
  });
});
