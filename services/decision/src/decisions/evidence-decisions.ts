import { ClaimDecided, ClaimEvidence, ClaimSubmitted, deterministicUuid } from '@claims-mesh/contracts';

/** Reason code of the final decision on a claim whose evidence did not come before its deadline. */
export const EVIDENCE_NOT_RECEIVED = 'EVIDENCE_NOT_RECEIVED';

/**
 * The claim's next round: the claim the REQUEST_INFO decided on, with the evidence merged in
 * (media added, description appended, serial number replaced when given), the same claimId,
 * revision + 1, and an eventId derived from the evidence, so a replay produces the same
 * record. Its submittedAt stays the first round's: it is the same claim, at the same time,
 * which is how the feature service finds it in the customer's windows and does not count it
 * again (see compute-features.lua.ts).
 */
export function revisedClaim(request: ClaimDecided, evidence: ClaimEvidence): ClaimSubmitted {
  const claim = request.claim;
  const revision = (claim.revision ?? 0) + 1;
  return {
    ...claim,
    eventId: deterministicUuid(claim.claimId, evidence.eventId, `revision-${revision}`),
    mediaCount: claim.mediaCount + (evidence.mediaCount ?? 0),
    description: evidence.description ? `${claim.description}\n${evidence.description}` : claim.description,
    serialNumber: evidence.serialNumber ?? claim.serialNumber,
    revision,
    timestamps: { submittedAt: claim.timestamps.submittedAt, enrichedAt: null, scoredAt: null, decidedAt: null, reviewedAt: null },
  };
}

/**
 * The final decision on a claim whose evidence request lapsed: REJECT, with the request's
 * reason codes and EVIDENCE_NOT_RECEIVED. Everything in it derives from the request, decidedAt
 * being the deadline, so a sweep that publishes it again publishes the identical record.
 */
export function lapsedDecision(request: ClaimDecided): ClaimDecided {
  const deadline = request.evidenceDeadline ?? request.timestamps.decidedAt ?? 0;
  return {
    ...request,
    eventId: deterministicUuid(request.eventId, EVIDENCE_NOT_RECEIVED),
    causationId: request.eventId,
    actionId: deterministicUuid(request.claimId, request.ruleSetVersion, request.eventId, EVIDENCE_NOT_RECEIVED),
    action: 'REJECT',
    reasonCodes: [...request.reasonCodes, EVIDENCE_NOT_RECEIVED],
    final: true,
    reviewerOverrode: null,
    timestamps: { ...request.timestamps, decidedAt: deadline },
  };
}
