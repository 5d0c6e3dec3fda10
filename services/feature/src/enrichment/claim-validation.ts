import type { ClaimSubmitted } from '@claims-mesh/contracts';

/**
 * Why a claim cannot be enriched, or undefined when it can. The Avro schema already fixes
 * the types; these are the values the feature definitions cannot work with, and that no
 * retry would change.
 */
export function enrichmentProblem(claim: ClaimSubmitted): string | undefined {
  if (!claim.customerId.trim()) return 'customerId is empty';
  if (!claim.serialNumber.trim()) return 'serialNumber is empty';
  if (!claim.product.trim()) return 'product is empty';
  if (!Number.isSafeInteger(claim.amountMinor) || claim.amountMinor < 0)
    return `amountMinor ${claim.amountMinor} is not a non-negative amount`;
  if (claim.mediaCount < 0) return `mediaCount ${claim.mediaCount} is negative`;
  if (claim.timestamps.submittedAt <= 0)
    return `timestamps.submittedAt ${claim.timestamps.submittedAt} is not a time`;
  return undefined;
}
