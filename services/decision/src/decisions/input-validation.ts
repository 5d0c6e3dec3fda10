import type { ClaimDecided, ClaimScored, ReviewCompleted } from '@claims-mesh/contracts';

/**
 * Why the rules cannot decide on a scored claim, or undefined when they can. A score outside
 * 0..1 (or NaN) would fall through every threshold and take the default action unnoticed.
 */
export function scoredClaimProblem(scored: ClaimScored): string | undefined {
  if (!isProbability(scored.fraudProbability))
    return `fraudProbability ${scored.fraudProbability} is not within 0..1`;
  if (!isProbability(scored.confidence)) return `confidence ${scored.confidence} is not within 0..1`;
  if (!Number.isSafeInteger(scored.claim.amountMinor) || scored.claim.amountMinor < 0)
    return `claim.amountMinor ${scored.claim.amountMinor} is not a non-negative amount`;
  return undefined;
}

/**
 * Why a completed review cannot become a final decision, or undefined when it can.
 * `inReview` is the REVIEW decision remembered under the review's actionId, if any.
 */
export function reviewProblem(
  review: ReviewCompleted,
  inReview: ClaimDecided | undefined,
): string | undefined {
  const which = `review ${review.eventId} of task ${review.taskId} (actionId ${review.actionId}, claim ${review.claimId})`;
  if (!inReview)
    return `${which} refers to an unknown task: this service made no REVIEW decision with that actionId, or forgot it after REVIEW_TTL_DAYS`;
  if (inReview.action !== 'REVIEW') return `${which} answers a ${inReview.action} decision, not a REVIEW`;
  if (inReview.claimId !== review.claimId)
    return `${which} answers the REVIEW of another claim, ${inReview.claimId}`;
  if (review.modelRecommendation !== 'APPROVE' && review.modelRecommendation !== 'REJECT')
    return `${which} has modelRecommendation ${review.modelRecommendation}; only APPROVE or REJECT tells whether the reviewer overrode the model`;
  return undefined;
}

function isProbability(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= 1;
}
