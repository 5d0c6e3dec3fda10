import { ClaimDecided, deterministicUuid, ReviewCompleted } from '@claims-mesh/contracts';

/**
 * The final decision after a human review: the reviewer's verdict is the action, and the
 * score, claim and reason codes are those of the REVIEW decision the reviewer answered. The
 * rule-set version stays the one that sent the claim to review, so the ids do not depend on
 * which rule set runs when the verdict arrives.
 */
export function reviewedDecision(
  inReview: ClaimDecided,
  review: ReviewCompleted,
  decidedAt: number,
): ClaimDecided {
  const { ruleSetVersion } = inReview;
  return {
    eventId: deterministicUuid(review.eventId, ruleSetVersion),
    claimId: inReview.claimId,
    causationId: review.eventId,
    actionId: deterministicUuid(inReview.claimId, ruleSetVersion, review.eventId),
    action: review.outcome,
    reasonCodes: inReview.reasonCodes,
    ruleSetVersion,
    final: true,
    reviewerOverrode: review.outcome !== review.modelRecommendation,
    claim: inReview.claim,
    model: inReview.model,
    route: inReview.route,
    shard: inReview.shard,
    fraudProbability: inReview.fraudProbability,
    confidence: inReview.confidence,
    timestamps: {
      ...review.timestamps,
      reviewedAt: review.timestamps.reviewedAt ?? review.completedAt,
      decidedAt,
    },
    evidenceDeadline: null,
  };
}
