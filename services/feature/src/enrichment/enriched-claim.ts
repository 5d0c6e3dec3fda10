import { ClaimEnriched, ClaimSubmitted, deterministicUuid, Features } from '@claims-mesh/contracts';

/**
 * The enriched event for a claim. Its id derives from the submitted event and the
 * feature-set version, so a replay publishes the same id and downstream absorbs it.
 */
export function enrichedClaim(
  claim: ClaimSubmitted,
  featureSetVersion: string,
  features: Features,
  enrichedAt: number,
): ClaimEnriched {
  return {
    eventId: deterministicUuid(claim.eventId, featureSetVersion),
    claimId: claim.claimId,
    causationId: claim.eventId,
    claim,
    featureSetVersion,
    features,
    timestamps: { ...claim.timestamps, enrichedAt },
  };
}
