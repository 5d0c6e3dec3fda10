import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleScored } from '@claims-mesh/testing';
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
  it('loads the rule set the service ships with', () => {
    const ruleSet = loadRuleSet(new DecisionConfig().RULES_FILE);
    expect(ruleSet.version).toBe('rules.v1');
    expect(evaluateRules(ruleSet, sampleScored())).toEqual({
      action: 'APPROVE',
      reasonCodes: ['NO_RISK_FOUND'],
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
