import type { Action, Channel, Route } from '@claims-mesh/contracts';

/** A half-open interval [atLeast, below); either bound may be left out, not both. */
export interface Range {
  atLeast?: number;
  below?: number;
}

/** What a claim must show for a rule to fire: every condition given must hold (AND). */
export interface RuleConditions {
  fraudProbability?: Range;
  confidence?: Range;
  /** Claimed amount in minor units, whatever the currency. */
  amountMinor?: Range;
  /** Amount limits per ISO 4217 currency; a claim in a currency not listed does not match. */
  amountMinorByCurrency?: Record<string, Range>;
  route?: Route[];
  channel?: Channel[];
  product?: string[];
  /** Features by name (see the Features schema): a Range for numbers, true/false for flags. */
  features?: Record<string, Range | boolean>;
}

export interface Rule {
  /** The reason code the decision carries when this rule decides. */
  id: string;
  description?: string;
  when: RuleConditions;
  action: Action;
}

export interface RuleSet {
  /** Stamped on every decision as ruleSetVersion; change it whenever the rules change. */
  version: string;
  description?: string;
  rules: Rule[];
  /** What happens to a claim no rule fires for. */
  default: { action: Action; reasonCode: string };
  /**
   * The share (0..1) of the claims the rules would settle on their own (any action but REVIEW)
   * that go to review instead, with reason code AUDIT_SAMPLE added: reviewer verdicts on
   * them are labels not biased towards risk, for training and for measuring the models.
   */
  auditSample?: { share: number };
}

/**
 * From least to most severe. When several rules fire, the most severe action wins: asking
 * the customer for information comes before a reviewer's time, and a rejection ends it all.
 */
export const ACTIONS_BY_SEVERITY: readonly Action[] = ['APPROVE', 'REVIEW', 'REQUEST_INFO', 'REJECT'];
