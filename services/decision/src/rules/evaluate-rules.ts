import { AUDIT_SAMPLE_PURPOSE, AUDIT_SAMPLE_REASON, claimBucket } from '@claims-mesh/contracts';
import type { Action, ClaimScored } from '@claims-mesh/contracts';
import { ACTIONS_BY_SEVERITY, Range, Rule, RuleConditions, RuleSet } from './rule-set';

export interface RuleOutcome {
  action: Action;
  /** Ids of the rules that decided it, in rule order (the default's code when none fired). */
  reasonCodes: string[];
}

/**
 * Most severe wins: every rule is checked, and of the rules that fire, the most severe
 * action is taken (see ACTIONS_BY_SEVERITY); the reason codes are those of the fired rules
 * that ask for that action, in rule order. So adding a rule can only make decisions
 * stricter, and moving rules around never changes an action, only the order of reasons.
 * When no rule fires, the rule set's default decides. Then a claim so settled may be drawn
 * for the audit sample (the rule set's auditSample share): it goes to review with its reasons
 * and AUDIT_SAMPLE.
 */
export function evaluateRules(ruleSet: RuleSet, scored: ClaimScored): RuleOutcome {
  const outcome = rulesOutcome(ruleSet, scored);
  return outcome.action !== 'REVIEW' && drawnForAuditSample(ruleSet, scored.claimId)
    ? { action: 'REVIEW', reasonCodes: [...outcome.reasonCodes, AUDIT_SAMPLE_REASON] }
    : outcome;
}

function rulesOutcome(ruleSet: RuleSet, scored: ClaimScored): RuleOutcome {
  const fired = ruleSet.rules.filter((rule) => conditionsHold(rule.when, scored));
  if (fired.length === 0)
    return { action: ruleSet.default.action, reasonCodes: [ruleSet.default.reasonCode] };
  const action = mostSevere(fired);
  return { action, reasonCodes: fired.filter((rule) => rule.action === action).map((rule) => rule.id) };
}

/** By the claim's id alone, so a replay draws the same claims (and the same as any other instance). */
function drawnForAuditSample(ruleSet: RuleSet, claimId: string): boolean {
  return !!ruleSet.auditSample && claimBucket(claimId, AUDIT_SAMPLE_PURPOSE) < ruleSet.auditSample.share;
}

function mostSevere(rules: Rule[]): Action {
  const severity = Math.max(...rules.map((rule) => ACTIONS_BY_SEVERITY.indexOf(rule.action)));
  return ACTIONS_BY_SEVERITY[severity];
}

function conditionsHold(when: RuleConditions, scored: ClaimScored): boolean {
  const { claim } = scored;
  if (when.fraudProbability && !inRange(scored.fraudProbability, when.fraudProbability)) return false;
  if (when.confidence && !inRange(scored.confidence, when.confidence)) return false;
  if (when.amountMinor && !inRange(claim.amountMinor, when.amountMinor)) return false;
  if (when.amountMinorByCurrency) {
    const limit = when.amountMinorByCurrency[claim.currency];
    if (!limit || !inRange(claim.amountMinor, limit)) return false;
  }
  if (when.route && !when.route.includes(scored.route)) return false;
  if (when.channel && !when.channel.includes(claim.channel)) return false;
  if (when.product && !when.product.includes(claim.product)) return false;
  if (when.features && !featuresMatch(when.features, scored.features)) return false;
  return true;
}

function featuresMatch(
  conditions: Record<string, Range | boolean>,
  features: ClaimScored['features'],
): boolean {
  const values = features as unknown as Record<string, number | boolean>;
  return Object.entries(conditions).every(([name, condition]) =>
    typeof condition === 'boolean' ? values[name] === condition : inRange(values[name] as number, condition),
  );
}

function inRange(value: number, { atLeast, below }: Range): boolean {
  return (atLeast === undefined || value >= atLeast) && (below === undefined || value < below);
}
