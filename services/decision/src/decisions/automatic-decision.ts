import { ClaimDecided, ClaimScored, deterministicUuid } from '@claims-mesh/contracts';
import type { RuleOutcome } from '../rules/evaluate-rules';

/**
 * The decision the rules make on a scored claim. Its actionId and eventId derive from the
 * claim, the rule-set version and the scored event, so a replay carries the same ids. Only a
 * REVIEW waits for more (a reviewer); every other action settles the claim.
 */
export function automaticDecision(
  scored: ClaimScored,
  ruleSetVersion: string,
  outcome: RuleOutcome,
  decidedAt: number,
): ClaimDecided {
  return {
    eventId: deterministicUuid(scored.eventId, ruleSetVersion),
    claimId: scored.claimId,
    causationId: scored.eventId,
    actionId: deterministicUuid(scored.claimId, ruleSetVersion, scored.eventId),
    action: outcome.action,
    reasonCodes: outcome.reasonCodes,
    ruleSetVersion,
    final: outcome.action !== 'REVIEW',
    reviewerOverrode: null,
    claim: scored.claim,
    model: scored.model,
    route: scored.route,
    shard: scored.shard,
    fraudProbability: scored.fraudProbability,
    confidence: scored.confidence,
    timestamps: { ...scored.timestamps, decidedAt },
    evidenceDeadline: null,
  };
}
