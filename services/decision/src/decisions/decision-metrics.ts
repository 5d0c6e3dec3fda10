import { Injectable } from '@nestjs/common';
import type { ClaimDecided } from '@claims-mesh/contracts';
import { Counter, Registry } from 'prom-client';

/**
 * Decisions by action and rule-set version, and how often reviewers go against the model:
 * override rate = rate(reviewer_overrides_total) / rate(reviews_completed_total).
 * Each decision is counted once, when first made; redeliveries are not counted again.
 */
@Injectable()
export class DecisionMetrics {
  private readonly decisions: Counter<'action' | 'rule_set_version' | 'decided_by'>;
  private readonly reviews: Counter<'rule_set_version'>;
  private readonly overrides: Counter<'rule_set_version'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.decisions = new Counter({
      name: 'decisions_total',
      help: 'Decisions made, by action, rule-set version and who decided (rules, or a reviewer after review).',
      labelNames: ['action', 'rule_set_version', 'decided_by'],
      registers,
    });
    this.reviews = new Counter({
      name: 'reviews_completed_total',
      help: 'Final decisions made from a completed human review, by the rule-set version that asked for the review.',
      labelNames: ['rule_set_version'],
      registers,
    });
    this.overrides = new Counter({
      name: 'reviewer_overrides_total',
      help: "Completed reviews whose verdict went against the model's recommendation.",
      labelNames: ['rule_set_version'],
      registers,
    });
  }

  decided(decision: ClaimDecided): void {
    const reviewed = decision.reviewerOverrode !== null;
    this.decisions.inc({
      action: decision.action,
      rule_set_version: decision.ruleSetVersion,
      decided_by: reviewed ? 'reviewer' : 'rules',
    });
    if (!reviewed) return;
    this.reviews.inc({ rule_set_version: decision.ruleSetVersion });
    if (decision.reviewerOverrode) this.overrides.inc({ rule_set_version: decision.ruleSetVersion });
  }
}
