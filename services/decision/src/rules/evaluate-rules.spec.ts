import { AUDIT_SAMPLE_PURPOSE, claimBucket } from '@claims-mesh/contracts';
import type { ClaimScored } from '@claims-mesh/contracts';
import { randomUUID } from 'node:crypto';
import { sampleEnriched, sampleFeatures, sampleScored, sampleClaim } from '@claims-mesh/testing';
import { evaluateRules } from './evaluate-rules';
import { RuleSet } from './rule-set';

const RULES: RuleSet = {
  version: 'test.1',
  default: { action: 'APPROVE', reasonCode: 'NOTHING_FOUND' },
  rules: [
    { id: 'LOW_SCORE', when: { fraudProbability: { below: 0.2 } }, action: 'APPROVE' },
    { id: 'SERIAL_REUSED', when: { features: { serialNumberSeenBefore: true } }, action: 'REVIEW' },
    { id: 'BIG_EUR', when: { amountMinorByCurrency: { EUR: { atLeast: 100_000 } } }, action: 'REVIEW' },
    { id: 'NO_MEDIA', when: { features: { mediaCount: { below: 1 } } }, action: 'REQUEST_INFO' },
    {
      id: 'SURE_FRAUD',
      when: { fraudProbability: { atLeast: 0.9 }, route: ['STUDENT', 'TEACHER'] },
      action: 'REJECT',
    },
    {
      id: 'PHONE_LAPTOP',
      when: { product: ['laptop'], channel: ['PHONE'], confidence: { atLeast: 0.5, below: 0.8 } },
      action: 'REVIEW',
    },
  ],
};

function scored(
  override: Partial<Pick<ClaimScored, 'fraudProbability' | 'confidence' | 'route'>> = {},
  claim: Parameters<typeof sampleClaim>[0] = {},
  features: Parameters<typeof sampleFeatures>[0] = {},
): ClaimScored {
  const enriched = { ...sampleEnriched(sampleClaim(claim)), features: sampleFeatures(features) };
  return { ...sampleScored(enriched), fraudProbability: 0.5, ...override };
}

describe('evaluateRules', () => {
  it('takes the default action with its reason code when no rule fires', () => {
    expect(evaluateRules(RULES, scored())).toEqual({ action: 'APPROVE', reasonCodes: ['NOTHING_FOUND'] });
  });

  it('takes the action of the one rule that fires, with its id as the reason', () => {
    expect(evaluateRules(RULES, scored({ fraudProbability: 0.1 }))).toEqual({
      action: 'APPROVE',
      reasonCodes: ['LOW_SCORE'],
    });
  });

  it('takes the most severe action when several rules fire, whatever their order', () => {
    const claim = scored({ fraudProbability: 0.95 }, {}, { serialNumberSeenBefore: true, mediaCount: 0 });
    expect(evaluateRules(RULES, claim)).toEqual({ action: 'REJECT', reasonCodes: ['SURE_FRAUD'] });
    const reversed = { ...RULES, rules: [...RULES.rules].reverse() };
    expect(evaluateRules(reversed, claim).action).toBe('REJECT');
  });

  it('ranks REQUEST_INFO above REVIEW', () => {
    const claim = scored({}, {}, { serialNumberSeenBefore: true, mediaCount: 0 });
    expect(evaluateRules(RULES, claim)).toEqual({ action: 'REQUEST_INFO', reasonCodes: ['NO_MEDIA'] });
  });

  it('gives the codes of every fired rule asking for the action taken, in rule order', () => {
    const claim = scored(
      { fraudProbability: 0.1 },
      { amountMinor: 100_000, currency: 'EUR' },
      { serialNumberSeenBefore: true },
    );
    expect(evaluateRules(RULES, claim)).toEqual({
      action: 'REVIEW',
      reasonCodes: ['SERIAL_REUSED', 'BIG_EUR'],
    });
  });

  it('treats a range as [atLeast, below): the lower bound is in, the upper bound out', () => {
    expect(evaluateRules(RULES, scored({ fraudProbability: 0.9 })).action).toBe('REJECT');
    expect(evaluateRules(RULES, scored({ fraudProbability: 0.2 })).reasonCodes).toEqual(['NOTHING_FOUND']);
    expect(evaluateRules(RULES, scored({ fraudProbability: 0.1999 })).reasonCodes).toEqual(['LOW_SCORE']);
  });

  it('applies a per-currency amount limit only to claims in that currency', () => {
    expect(evaluateRules(RULES, scored({}, { amountMinor: 99_999, currency: 'EUR' })).action).toBe('APPROVE');
    expect(evaluateRules(RULES, scored({}, { amountMinor: 100_000, currency: 'EUR' })).action).toBe('REVIEW');
    expect(evaluateRules(RULES, scored({}, { amountMinor: 10_000_000, currency: 'USD' })).action).toBe(
      'APPROVE',
    );
  });

  it('fires only when every condition of the rule holds', () => {
    const laptopByPhone = { product: 'laptop', channel: 'PHONE' as const };
    expect(evaluateRules(RULES, scored({ confidence: 0.6 }, laptopByPhone)).reasonCodes).toEqual([
      'PHONE_LAPTOP',
    ]);
    expect(evaluateRules(RULES, scored({ confidence: 0.8 }, laptopByPhone)).action).toBe('APPROVE');
    expect(
      evaluateRules(RULES, scored({ confidence: 0.6 }, { ...laptopByPhone, channel: 'WEB' })).action,
    ).toBe('APPROVE');
  });

  it('checks the route the score came by', () => {
    expect(evaluateRules(RULES, scored({ fraudProbability: 0.95, route: 'TEACHER' })).action).toBe('REJECT');
    expect(evaluateRules(RULES, scored({ fraudProbability: 0.95, route: 'CANARY' })).action).toBe('APPROVE');
  });

  describe('the audit sample', () => {
    const SAMPLED: RuleSet = { ...RULES, auditSample: { share: 0.1 } };
    const withId = (claimId: string, override: Parameters<typeof scored>[0] = {}) => ({ ...scored(override), claimId });
    const ids = Array.from({ length: 5000 }, () => randomUUID());

    it('sends the drawn share of claims the rules would settle to review, adding AUDIT_SAMPLE to their reasons', () => {
      const outcomes = ids.map((id) => evaluateRules(SAMPLED, withId(id)));
      const sampled = outcomes.filter((o) => o.action === 'REVIEW');
      expect(Math.abs(sampled.length / ids.length - 0.1)).toBeLessThanOrEqual(0.02);
      for (const outcome of sampled) expect(outcome.reasonCodes).toEqual(['NOTHING_FOUND', 'AUDIT_SAMPLE']);
      expect(evaluateRules(SAMPLED, withId(ids[0], { fraudProbability: 0.95 })).reasonCodes[0]).toBe('SURE_FRAUD');
    });

    it('draws by the claim id alone, so a replay decides the same', () => {
      const drawn = ids.find((id) => claimBucket(id, AUDIT_SAMPLE_PURPOSE) < 0.1) as string;
      const kept = ids.find((id) => claimBucket(id, AUDIT_SAMPLE_PURPOSE) >= 0.1) as string;
      expect(evaluateRules(SAMPLED, withId(drawn)).action).toBe('REVIEW');
      expect(evaluateRules(SAMPLED, withId(drawn)).action).toBe('REVIEW');
      expect(evaluateRules(SAMPLED, withId(kept)).action).toBe('APPROVE');
      expect(evaluateRules(SAMPLED, withId(drawn, { fraudProbability: 0.95 })).reasonCodes).toEqual(['SURE_FRAUD', 'AUDIT_SAMPLE']);
    });

    it('leaves a claim the rules already send to review as it is, and draws none without an auditSample', () => {
      const drawn = ids.find((id) => claimBucket(id, AUDIT_SAMPLE_PURPOSE) < 0.1) as string;
      const serial = { ...scored({}, {}, { serialNumberSeenBefore: true }), claimId: drawn };
      expect(evaluateRules(SAMPLED, serial)).toEqual({ action: 'REVIEW', reasonCodes: ['SERIAL_REUSED'] });
      expect(evaluateRules(RULES, withId(drawn)).action).toBe('APPROVE');
    });
  });
});
