import type { ClaimSubmitted, Features } from '@claims-mesh/contracts';

const DAY_MS = 86_400_000;

export type ClaimOnlyFeatures = Pick<Features, 'daysSincePolicyStart' | 'descriptionLength' | 'mediaCount'>;

/** The features that need nothing but the claim itself. */
export function claimOnlyFeatures(claim: ClaimSubmitted): ClaimOnlyFeatures {
  return {
    // policyStartDate is a whole UTC day, so this is floor((submittedAt - start) / day). A claim
    // filed before its policy started comes out negative, which is worth a model's attention.
    daysSincePolicyStart: Math.floor(claim.timestamps.submittedAt / DAY_MS) - claim.policyStartDate,
    // Characters as people count them (code points), not UTF-16 units: an emoji is one.
    descriptionLength: [...claim.description].length,
    mediaCount: claim.mediaCount,
  };
}
