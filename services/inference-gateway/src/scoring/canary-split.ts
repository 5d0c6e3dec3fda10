import { hash } from 'node:crypto';

/**
 * Where a claim falls in [0, 1), from its id alone: the same claim lands in the same place
 * on every replay and every instance, so its canary assignment never flips.
 */
export function claimBucket(claimId: string): number {
  return hash('sha1', claimId, 'buffer').readUInt32BE(0) / 0x1_0000_0000;
}

/** Whether the claim is in the canary share `weight` (0..1). */
export function inCanary(claimId: string, weight: number): boolean {
  return claimBucket(claimId) < weight;
}
