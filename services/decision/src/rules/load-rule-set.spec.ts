import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimIdInAuditSample, claimIdOutsideAuditSample, sampleClaim, sampleEnriched, sampleScored } from '@claims-mesh/testing';
import { DecisionConfig } from '../config';
import { evaluateRules } from './evaluate-rules';
import { loadRuleSet, RuleSetError } from './load-rule-set';

const dir = mkdtempSync(join(tmpdir(), 'rules-'));

function fileWith(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('loadRuleSet', () => {
  it('loads the rule set the service ships with, which draws a hundredth of the claims it settles for the audit sample', () => {
    const ruleSet = loadRuleSet(new DecisionConfig().RULES_FILE);
    const scoredWithId = (claimId: string) => sampleScored(sampleEnriched(sampleClaim({ claimId })));
    expect(ruleSet.version).toBe('rules.v2');
    expect(ruleSet.auditSample).toEqual({ share: 0.01 });
    expect(evaluateRules(ruleSet, scoredWithId(claimIdOutsideAuditSample()))).toEqual({
      action: 'APPROVE',
      reasonCodes: ['NO_RISK_FOUND'],
    });
    expect(evaluateRules(ruleSet, scoredWithId(claimIdInAuditSample()))).toEqual({
      action: 'REVIEW',
      reasonCodes: ['NO_RISK_FOUND', 'AUDIT_SAMPLE'],
    });
  });

  it('names the file and the rule when a rule is bad', () => {
    const file = fileWith(
      'bad.json',
      JSON.stringify({
        version: 'x.1',
        default: { action: 'APPROVE', reasonCode: 'OK' },
        rules: [{ id: 'HIGH', when: { fraudProbability: { atLeast: 2 } }, action: 'REJECT' }],
      }),
    );
    expect(() => loadRuleSet(file)).toThrow(RuleSetError);
    expect(() => loadRuleSet(file)).toThrow(
      `rule set ${file} is invalid:\n  rules[0] (HIGH): when.fraudProbability.atLeast`,
    );
  });

  it('says when the file is not JSON', () => {
    expect(() => loadRuleSet(fileWith('broken.json', '{ "version": '))).toThrow(
      /broken\.json is not valid JSON/,
    );
  });

  it('says when the file cannot be read', () => {
    expect(() => loadRuleSet(join(dir, 'missing.json'))).toThrow(/missing\.json cannot be read: ENOENT/);
  });
});
