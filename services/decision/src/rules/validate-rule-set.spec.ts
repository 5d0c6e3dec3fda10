import { FeatureKind, featureKindsFromSchema } from './feature-kinds';
import { validateRuleSet } from './validate-rule-set';

const FEATURES = featureKindsFromSchema();

function ruleSetWith(rules: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 'rules.test',
    default: { action: 'APPROVE', reasonCode: 'NO_RISK_FOUND' },
    rules,
    ...overrides,
  };
}

const GOOD_RULE = {
  id: 'ELEVATED_FRAUD_SCORE',
  when: { fraudProbability: { atLeast: 0.5 } },
  action: 'REVIEW',
};

function problemsOf(input: unknown): string[] {
  return validateRuleSet(input, FEATURES).problems;
}

describe('validateRuleSet', () => {
  it('accepts a rule set using every kind of condition', () => {
    const rule = {
      id: 'EVERYTHING',
      description: 'all conditions at once',
      when: {
        fraudProbability: { atLeast: 0.2, below: 0.9 },
        confidence: { below: 0.5 },
        amountMinor: { atLeast: 0 },
        amountMinorByCurrency: { EUR: { atLeast: 100 }, USD: { below: 5000 } },
        route: ['STUDENT', 'TEACHER'],
        channel: ['WEB'],
        product: ['phone'],
        features: { serialNumberSeenBefore: true, amountZScore: { atLeast: 2.5 } },
      },
      action: 'REQUEST_INFO',
    };
    const result = validateRuleSet(ruleSetWith([GOOD_RULE, rule]), FEATURES);
    expect(result.problems).toEqual([]);
    expect(result.ruleSet?.rules).toHaveLength(2);
  });

  it.each([
    [
      { ...GOOD_RULE, when: { fraudProbability: { atLeast: 1.5 } } },
      'when.fraudProbability.atLeast must be a number from 0 to 1, got 1.5',
    ],
    [
      { ...GOOD_RULE, when: { confidence: { below: '0.3' } } },
      'when.confidence.below must be a number from 0 to 1, got "0.3"',
    ],
    [
      { ...GOOD_RULE, when: { fraudProbability: { atLeast: 0.7, below: 0.7 } } },
      'when.fraudProbability is empty: atLeast 0.7 is not below 0.7',
    ],
    [
      { ...GOOD_RULE, when: { fraudProbability: {} } },
      'when.fraudProbability must be a range { "atLeast": n, "below": m } with at least one bound',
    ],
    [{ ...GOOD_RULE, when: { fraudProbability: { min: 0.5 } } }, 'when.fraudProbability must be a range'],
    [
      { ...GOOD_RULE, when: { fraudProbabilty: { atLeast: 0.5 } } },
      'when.fraudProbabilty is not a known field',
    ],
    [
      { ...GOOD_RULE, when: { amountMinor: { atLeast: 10.5 } } },
      'when.amountMinor.atLeast must be an integer of at least 0, got 10.5',
    ],
    [
      { ...GOOD_RULE, when: { amountMinorByCurrency: { eur: { atLeast: 1 } } } },
      'when.amountMinorByCurrency has "eur", which is not a currency code',
    ],
    [
      { ...GOOD_RULE, when: { route: ['STUDENT', 'ORACLE'] } },
      'when.route has "ORACLE"; expected values of STUDENT, TEACHER, CANARY, SHADOW',
    ],
    [{ ...GOOD_RULE, when: { channel: [] } }, 'when.channel must be a non-empty array'],
    [
      { ...GOOD_RULE, when: { features: { serialSeen: true } } },
      'when.features.serialSeen is not a feature; known features: customerClaimCount1h',
    ],
    [
      { ...GOOD_RULE, when: { features: { serialNumberSeenBefore: 'yes' } } },
      'when.features.serialNumberSeenBefore must be true or false, got "yes"',
    ],
    [{ ...GOOD_RULE, when: { features: { mediaCount: 0 } } }, 'when.features.mediaCount must be a range'],
    [{ ...GOOD_RULE, when: {} }, 'when must be an object with at least one condition'],
    [
      { ...GOOD_RULE, action: 'ESCALATE' },
      'action must be one of APPROVE, REVIEW, REQUEST_INFO, REJECT, got "ESCALATE"',
    ],
    [{ ...GOOD_RULE, priority: 1 }, 'priority is not a known field; expected id, description, when, action'],
  ])('names the rule and the field: %j', (rule, message) => {
    const problems = problemsOf(ruleSetWith([GOOD_RULE, { ...rule, id: 'UNDER_TEST' }]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`rules[1] (UNDER_TEST): ${message}`);
  });

  it('names a rule without a usable id by its index', () => {
    expect(problemsOf(ruleSetWith([{ ...GOOD_RULE, id: 'lower case' }]))).toEqual([
      'rules[0] (lower case): id must be a reason code in UPPER_SNAKE_CASE, got "lower case"',
    ]);
    expect(problemsOf(ruleSetWith([{ when: GOOD_RULE.when, action: 'REVIEW' }]))).toEqual([
      'rules[0]: id must be a reason code in UPPER_SNAKE_CASE, got nothing',
    ]);
  });

  it('refuses two rules with the same id', () => {
    expect(problemsOf(ruleSetWith([GOOD_RULE, GOOD_RULE]))).toEqual([
      'rules[1] (ELEVATED_FRAUD_SCORE): id ELEVATED_FRAUD_SCORE is already the id of rules[0]',
    ]);
  });

  it('lists every problem, not just the first', () => {
    const bad = { id: 'BAD', when: { confidence: { atLeast: -1 } }, action: 'NOPE' };
    expect(problemsOf(ruleSetWith([bad, GOOD_RULE, { ...bad, id: 'WORSE' }]))).toHaveLength(4);
  });

  it.each([
    [{ version: '' }, 'rule set: version must be a non-empty string'],
    [{ version: 'v 1' }, 'rule set: version must be a non-empty string'],
    [{ rules: [] }, 'rule set: rules must be a non-empty array'],
    [{ default: undefined }, 'default: must be an object { action, reasonCode }, got nothing'],
    [
      { default: { action: 'REVIEW' } },
      'default: reasonCode must be a reason code in UPPER_SNAKE_CASE, got nothing',
    ],
    [{ defaults: {} }, 'rule set: defaults is not a known field'],
  ])('checks the rule set around the rules: %j', (overrides, message) => {
    expect(problemsOf(ruleSetWith([GOOD_RULE], overrides)).join('\n')).toContain(message);
  });

  it('refuses something that is not an object', () => {
    expect(problemsOf([GOOD_RULE])).toEqual(['the rule set must be a JSON object']);
  });

  it('checks feature conditions against the features it is given', () => {
    const kinds = new Map<string, FeatureKind>([['newFlag', 'boolean']]);
    const rule = { ...GOOD_RULE, when: { features: { newFlag: true } } };
    expect(validateRuleSet(ruleSetWith([rule]), kinds).problems).toEqual([]);
  });

  it('accepts an audit sample share from 0 to 1 and refuses anything else', () => {
    expect(problemsOf(ruleSetWith([GOOD_RULE], { auditSample: { share: 0.01 } }))).toEqual([]);
    expect(problemsOf(ruleSetWith([GOOD_RULE], { auditSample: { share: 1.5 } }))).toEqual([
      'auditSample: share must be a number from 0 to 1, got 1.5',
    ]);
    expect(problemsOf(ruleSetWith([GOOD_RULE], { auditSample: { shares: 0.1 } }))).toEqual([
      'auditSample: shares is not a known field; expected share',
      'auditSample: share must be a number from 0 to 1, got nothing',
    ]);
  });

  it('keeps the reason code AUDIT_SAMPLE for the audit sample', () => {
    expect(problemsOf(ruleSetWith([{ ...GOOD_RULE, id: 'AUDIT_SAMPLE' }]))).toEqual([
      'rules[0] (AUDIT_SAMPLE): id AUDIT_SAMPLE is reserved for claims drawn as an audit sample',
    ]);
  });
});
