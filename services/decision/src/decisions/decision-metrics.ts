import { Injectable } from '@nestjs/common';
import { ClaimDecided, reviewSelectionOf } from '@claims-mesh/contracts';
import { Counter, Registry } from 'prom-client';

/**
 * Decisions by action, rule-set version, and the model version and route that scored the
 * claim, and how often reviewers go against the model: override rate =
 * rate(reviewer_overrides_total) / rate(reviews_completed_total), per model version and route,
 * so a canary's verdicts can be set against the primary's. Completed reviews are the mesh's
 * labels; `selection` says which way they were drawn (RISK or AUDIT_SAMPLE).
 * Each decision is counted once, when first made; redeliveries are not counted again.
 */
@Injectable()
export class DecisionMetrics {
  private readonly decisions: Counter<'action' | 'rule_set_version' | 'decided_by' | 'model' | 'route'>;
  private readonly reviews: Counter<'rule_set_version' | 'model' | 'route' | 'selection'>;
  private readonly overrides: Counter<'rule_set_version' | 'model' | 'route' | 'selection'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.decisions = new Counter({
      name: 'decisions_total',
      help: 'Decisions made, by action, rule-set version, who decided (rules, or a reviewer after review), and the model (name:version) and route that scored the claim.',
      labelNames: ['action', 'rule_set_version', 'decided_by', 'model', 'route'],
      registers,
    });
    this.reviews = new Counter({
      name: 'reviews_completed_total',
      help: 'Final decisions made from a completed human review (labels), by the rule-set version that asked for the review, the model and route that scored the claim, and how the claim was drawn for review (RISK or AUDIT_SAMPLE).',
      labelNames: ['rule_set_version', 'model', 'route', 'selection'],
      registers,
    });
    this.overrides = new Counter({
      name: 'reviewer_overrides_total',
      help: "Completed reviews whose verdict went against the model's recommendation, labelled as reviews_completed_total.",
      labelNames: ['rule_set_version', 'model', 'route', 'selection'],
      registers,
    });
  }

  decided(decision: ClaimDecided): void {
    const reviewed = decision.reviewerOverrode !== null;
    const scoredBy = {
      rule_set_version: decision.ruleSetVersion,
      model: `${decision.model.name}:${decision.model.version}`,
      route: decision.route,
    };
    this.decisions.inc({ ...scoredBy, action: decision.action, decided_by: reviewed ? 'reviewer' : 'rules' });
    if (!reviewed) return;
    const label = { ...scoredBy, selection: reviewSelectionOf(decision.reasonCodes) };
    this.reviews.inc(label);
    if (decision.reviewerOverrode) this.overrides.inc(label);
  }
}
