import { modelRollout, rolloutProblems } from './model-rollout';
import { valueSchema } from './schemas';

const decision = {
  family: 'fraud',
  primaryVersion: '1',
  canary: { version: '2', weight: 0.25 },
  shadowVersion: null,
  uncertainLow: 0.3,
  uncertainHigh: 0.7,
  stage: 'CANARY',
  candidateVersion: '2',
  reason: 'shadow evaluation passed',
  decidedBy: 'rollout-controller',
} as const;
const canary = modelRollout(decision);

describe('modelRollout', () => {
  it('makes a record of the ModelRollout schema with a fresh eventId, decided now', () => {
    const before = Date.now();
    const record = modelRollout(decision);
    expect(valueSchema('ModelRollout').type.isValid(record)).toBe(true);
    expect(record.eventId).not.toBe(canary.eventId);
    expect(record.decidedAt).toBeGreaterThanOrEqual(before);
    expect(modelRollout({ ...decision, decidedAt: 7 }).decidedAt).toBe(7);
  });
});

describe('rolloutProblems', () => {
  it('finds none in a canary, a shadow, a promotion or a rollback', () => {
    expect(rolloutProblems(canary)).toEqual([]);
    expect(rolloutProblems({ ...canary, canary: null, shadowVersion: '2', stage: 'SHADOW' })).toEqual([]);
    expect(rolloutProblems({ ...canary, primaryVersion: '2', canary: null, stage: 'PRIMARY' })).toEqual([]);
    expect(rolloutProblems({ ...canary, canary: null, stage: 'ROLLED_BACK' })).toEqual([]);
  });

  it('accepts the edges of the ranges: weight 0 and 1, an empty band (low = high)', () => {
    expect(rolloutProblems({ ...canary, canary: { version: '2', weight: 0 } })).toEqual([]);
    expect(rolloutProblems({ ...canary, canary: { version: '2', weight: 1 } })).toEqual([]);
    expect(rolloutProblems({ ...canary, uncertainLow: 0.5, uncertainHigh: 0.5 })).toEqual([]);
  });

  it.each([
    ['a canary weight above 1', { canary: { version: '2', weight: 1.5 } }, 'canary.weight 1.5 is outside 0..1'],
    ['a negative canary weight', { canary: { version: '2', weight: -0.1 } }, 'canary.weight -0.1 is outside 0..1'],
    ['a NaN canary weight', { canary: { version: '2', weight: NaN } }, 'canary.weight NaN is outside 0..1'],
    ['a band upside down', { uncertainLow: 0.8, uncertainHigh: 0.2 }, 'uncertainLow 0.8 is above uncertainHigh 0.2'],
    ['a band bound outside 0..1', { uncertainHigh: 1.2 }, 'uncertainHigh 1.2 is outside 0..1'],
    ['a version that is no Triton version', { primaryVersion: 'latest' }, 'primaryVersion "latest" is not a model version number'],
    ['a shadow version 0', { shadowVersion: '0' }, 'shadowVersion "0" is not a model version number'],
    ['no family', { family: '' }, 'family is empty'],
  ])('refuses %s', (_, change, problem) => {
    expect(rolloutProblems({ ...canary, ...change })).toEqual([problem]);
  });
});
