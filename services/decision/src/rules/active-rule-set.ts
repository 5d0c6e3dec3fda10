import { Injectable, Logger } from '@nestjs/common';
import type { ClaimScored } from '@claims-mesh/contracts';
import { resolve } from 'node:path';
import { DecisionConfig } from '../config';
import { evaluateRules, RuleOutcome } from './evaluate-rules';
import { loadRuleSet } from './load-rule-set';
import type { RuleSet } from './rule-set';

/**
 * The rule set the service decides with, loaded once at start from RULES_FILE. A bad file
 * throws here, so the service stops before it consumes anything.
 */
@Injectable()
export class ActiveRuleSet {
  private readonly ruleSet: RuleSet;

  constructor(config: DecisionConfig) {
    const file = resolve(config.RULES_FILE);
    this.ruleSet = loadRuleSet(file);
    new Logger(ActiveRuleSet.name).log(
      `rule set ${this.ruleSet.version}: ${this.ruleSet.rules.length} rules from ${file}`,
    );
  }

  get version(): string {
    return this.ruleSet.version;
  }

  decide(scored: ClaimScored): RuleOutcome {
    return evaluateRules(this.ruleSet, scored);
  }
}
