import type { EvidenceSummary, Pair } from '../evidence/stage-evidence';
import { judge, overrideIncreaseLowerBound, type GateSettings } from './stage-gate';
import { auc, brier, quantile } from './statistics';

const GATES: GateSettings = {
  shadowMinClaims: 100,
  canaryMinClaims: 50,
  minLabels: 40,
  aucMargin: 0.01,
  brierMargin: 0.01,
  minAgreement: 0.9,
  maxScorePsi: 0.1,
  minReviews: 20,
  maxOverrideRateIncrease: 0.1,
  maxLatencyRatio: 3,
  maxMissingShare: 0.05,
  minOperationalClaims: 50,
};
const BAND = { low: 0.3, high: 0.7 };

/** A deterministic spread of probabilities in (0, 1). */
const spread = (n: number) => Array.from({ length: n }, (_, i) => ((i * 37) % 100) / 100 + 0.005);

function evidence(pairs: Pair[], overrides: Partial<EvidenceSummary> = {}): EvidenceSummary {
  return {
    primaryClaims: pairs.length,
    candidateClaims: 0,
    pairs,
    shadowDue: pairs.length,
    shadowMissing: 0,
    candidateLatencyMs: pairs.map(() => 2),
    primaryLatencyMs: pairs.map(() => 2),
    primaryLabelled: [],
    candidateLabelled: [],
    primaryReviews: { reviews: 0, overrides: 0 },
    candidateReviews: { reviews: 0, overrides: 0 },
    ...overrides,
  };
}

describe('statistics', () => {
  it('auc ranks frauds above legitimate claims, ties counting half', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auc([0.3, 0.4], [1, 1])).toBeUndefined();
  });

  it('brier is the mean squared error, quantile the nearest rank', () => {
    expect(brier([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3);
    expect(quantile([5, 1, 3, 2, 4], 0.95)).toBe(5);
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
  });
});

describe('judge', () => {
  it('holds a shadow until it has its claims, then advances one that agrees with the primary', () => {
    const agreeing = (n: number) => spread(n).map((p) => ({ primary: p, candidate: p }));
    expect(judge('SHADOW', evidence(agreeing(60)), BAND, GATES).verdict.action).toBe('hold');
    const { verdict, figures } = judge('SHADOW', evidence(agreeing(120)), BAND, GATES);
    expect(verdict.action).toBe('advance');
    expect(figures.agreement).toBe(1);
  });

  it('keeps a disagreeing candidate in its stage until labels decide', () => {
    const disagreeing = spread(200).map((p) => ({ primary: p, candidate: 1 - p }));
    const { verdict, figures } = judge('SHADOW', evidence(disagreeing), BAND, GATES);
    expect(verdict.action).toBe('hold');
    expect(verdict.reason).toMatch(/waiting for labels/);
    expect(figures.agreement).toBeLessThan(0.9);
  });

  it('advances a candidate that ranks labelled claims better, though it disagrees with the primary', () => {
    // Fraud is p >= 0.5; the primary misses the frauds under 0.7 (scores them 0.1), the candidate scores the truth.
    const pairs = spread(200).map((p) => {
      const label = p >= 0.5 ? 1 : 0;
      return { primary: label && p < 0.7 ? 0.1 : p, candidate: p, label } as Pair;
    });
    const { verdict, figures } = judge('SHADOW', evidence(pairs), BAND, GATES);
    expect(verdict.action).toBe('advance');
    expect(figures.candidateAuc).toBeGreaterThan(figures.primaryAuc as number);
  });

  it('rolls back a candidate worse on labelled claims', () => {
    const pairs = spread(200).map((p) => ({ primary: p, candidate: 1 - p, label: (p >= 0.5 ? 1 : 0) as 0 | 1 }));
    const { verdict } = judge('SHADOW', evidence(pairs), BAND, GATES);
    expect(verdict.action).toBe('rollback');
    expect(verdict.reason).toMatch(/worse than the primary on 200 labelled claims/);
  });

  it('rolls a canary back when reviewers override it more than the primary, before it has its claims', () => {
    const pairs = spread(100).map((p) => ({ primary: p, candidate: p }));
    const summary = evidence(pairs, {
      candidateClaims: 10,
      primaryReviews: { reviews: 40, overrides: 4 },
      candidateReviews: { reviews: 20, overrides: 12 },
    });
    const { verdict } = judge('CANARY', summary, BAND, GATES);
    expect(verdict.action).toBe('rollback');
    expect(verdict.reason).toMatch(/overrode 60\.0% of canary claims against 10\.0%/);
    // The same override rates in SHADOW (where the candidate decides nothing) are not a reason.
    expect(judge('SHADOW', summary, BAND, GATES).verdict.action).toBe('advance');
  });

  it('does not roll a canary back on a difference of override rates that twenty reviews cannot tell from noise', () => {
    const pairs = spread(100).map((p) => ({ primary: p, candidate: p }));
    const noisy = evidence(pairs, { candidateClaims: 10, primaryReviews: { reviews: 21, overrides: 4 }, candidateReviews: { reviews: 20, overrides: 7 } });
    expect(judge('CANARY', noisy, BAND, GATES).verdict.action).not.toBe('rollback');
    // A model reviewers overrule on most claims is stopped on as few.
    const bad = evidence(pairs, { candidateClaims: 10, primaryReviews: { reviews: 21, overrides: 4 }, candidateReviews: { reviews: 20, overrides: 16 } });
    expect(judge('CANARY', bad, BAND, GATES).verdict.action).toBe('rollback');
    expect(overrideIncreaseLowerBound({ reviews: 20, overrides: 7 }, { reviews: 21, overrides: 4 })).toBeLessThan(0);
  });

  it('rolls back on missing shadow scores and on latency, once there are enough', () => {
    const pairs = spread(100).map((p) => ({ primary: p, candidate: p }));
    expect(judge('SHADOW', evidence(pairs, { shadowDue: 100, shadowMissing: 10 }), BAND, GATES).verdict.reason).toMatch(/10\.0% of due shadow scores missing/);
    expect(judge('SHADOW', evidence(pairs, { shadowDue: 10, shadowMissing: 5 }), BAND, GATES).verdict.action).toBe('advance');
    const slow = evidence(pairs, { candidateLatencyMs: pairs.map(() => 10) });
    expect(judge('CANARY', slow, BAND, GATES).verdict.reason).toMatch(/p95 latency 5\.00x/);
  });

  it('promotes a canary once it has scored its claims and agrees', () => {
    const pairs = spread(100).map((p) => ({ primary: p, candidate: p }));
    expect(judge('CANARY', evidence(pairs, { candidateClaims: 49 }), BAND, GATES).verdict.action).toBe('hold');
    expect(judge('CANARY', evidence(pairs, { candidateClaims: 50 }), BAND, GATES).verdict.action).toBe('advance');
  });
});
