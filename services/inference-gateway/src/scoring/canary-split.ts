import { claimBucket } from '@claims-mesh/contracts';

/** Whether the claim is in the canary share `weight` (0..1), by its bucket: the same on every replay. */
export function inCanary(claimId: string, weight: number): boolean {
  return claimBucket(claimId) < weight;
}
