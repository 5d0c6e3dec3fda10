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
    descriptionLength: codePointCount(claim.description),
    mediaCount: claim.mediaCount,
  };
}

/** UTF-16 units less one per surrogate pair, without building an array of the characters. */
function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
