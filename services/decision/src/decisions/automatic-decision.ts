import { ClaimDecided, ClaimScored, deterministicUuid } from '@claims-mesh/contracts';
import type { RuleOutcome } from '../rules/evaluate-rules';

/**
 * The decision the rules make on a scored claim. Its actionId and eventId derive from the
 * claim, the rule-set version and the scored event, so a replay carries the same ids. A
 * REVIEW waits for a reviewer and a REQUEST_INFO for the customer's evidence (until
 * decidedAt + evidenceDeadlineMs); APPROVE and REJECT settle the claim.
 */
export function automaticDecision(
  scored: ClaimScored,
  ruleSetVersion: string,
  outcome: RuleOutcome,
  decidedAt: number,
  evidenceDeadlineMs: number,
): ClaimDecided {
  const waitsForEvidence = outcome.action === 'REQUEST_INFO';
  return {
    eventId: deterministicUuid(scored.eventId, ruleSetVersion),
    claimId: scored.claimId,
    causationId: scored.eventId,
    actionId: deterministicUuid(scored.claimId, ruleSetVersion, scored.eventId),
    action: outcome.action,
    reasonCodes: outcome.reasonCodes,
    ruleSetVersion,
    final: outcome.action !== 'REVIEW' && !waitsForEvidence,
    reviewerOverrode: null,
    claim: scored.claim,
    model: scored.model,
    route: scored.route,
    shard: scored.shard,
    fraudProbability: scored.fraudProbability,
    confidence: scored.confidence,
    timestamps: { ...scored.timestamps, decidedAt },
    evidenceDeadline: waitsForEvidence ? decidedAt + evidenceDeadlineMs : null,
  };
}
