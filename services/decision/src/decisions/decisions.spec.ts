import { deterministicUuid } from '@claims-mesh/contracts';
import { sampleDecided, sampleReview, sampleScored } from '@claims-mesh/testing';
import { automaticDecision } from './automatic-decision';
import { reviewedDecision } from './reviewed-decision';

describe('automaticDecision', () => {
  const scored = sampleScored();

  it('derives its ids from the claim, the rule-set version and the scored event', () => {
    const decision = automaticDecision(scored, 'rules.v1', { action: 'APPROVE', reasonCodes: ['OK'] }, 1000, 60_000);
    expect(decision.actionId).toBe(deterministicUuid(scored.claimId, 'rules.v1', scored.eventId));
    expect(decision.eventId).toBe(deterministicUuid(scored.eventId, 'rules.v1'));
    expect(decision.causationId).toBe(scored.eventId);
    const again = automaticDecision(scored, 'rules.v1', { action: 'APPROVE', reasonCodes: ['OK'] }, 2000, 60_000);
    expect([again.actionId, again.eventId]).toEqual([decision.actionId, decision.eventId]);
    const otherRules = automaticDecision(
      scored,
      'rules.v2',
      { action: 'APPROVE', reasonCodes: ['OK'] },
      1000,
      60_000,
    );
    expect(otherRules.actionId).not.toBe(decision.actionId);
  });

  it('carries the claim, the score and its timestamps, and sets decidedAt', () => {
    const decision = automaticDecision(
      scored,
      'rules.v1',
      { action: 'REJECT', reasonCodes: ['A', 'B'] },
      1234,
      60_000,
    );
    expect(decision).toMatchObject({
      claimId: scored.claimId,
      action: 'REJECT',
      reasonCodes: ['A', 'B'],
      ruleSetVersion: 'rules.v1',
      reviewerOverrode: null,
      claim: scored.claim,
      model: scored.model,
      route: scored.route,
      shard: scored.shard,
      fraudProbability: scored.fraudProbability,
      confidence: scored.confidence,
      timestamps: { ...scored.timestamps, decidedAt: 1234 },
    });
  });

  it.each([
    ['APPROVE', true],
    ['REVIEW', false],
    ['REQUEST_INFO', false],
    ['REJECT', true],
  ] as const)('is final for %s: %s', (action, final) => {
    expect(automaticDecision(scored, 'rules.v1', { action, reasonCodes: ['X'] }, 1, 60_000).final).toBe(final);
  });

  it('gives a REQUEST_INFO an evidence deadline and no other action one', () => {
    expect(automaticDecision(scored, 'rules.v1', { action: 'REQUEST_INFO', reasonCodes: ['X'] }, 1000, 60_000).evidenceDeadline).toBe(61_000);
    expect(automaticDecision(scored, 'rules.v1', { action: 'REVIEW', reasonCodes: ['X'] }, 1000, 60_000).evidenceDeadline).toBeNull();
  });
});

describe('reviewedDecision', () => {
  const inReview = { ...sampleDecided(), ruleSetVersion: 'rules.v1', reasonCodes: ['SERIAL_SEEN_BEFORE'] };

  it('takes the reviewer’s verdict as a final action, with ids derived from the review', () => {
    const review = {
      ...sampleReview(inReview),
      outcome: 'REJECT' as const,
      modelRecommendation: 'REJECT' as const,
    };
    const decision = reviewedDecision(inReview, review, 5000);
    expect(decision).toEqual({
      ...inReview,
      eventId: deterministicUuid(review.eventId, 'rules.v1'),
      causationId: review.eventId,
      actionId: deterministicUuid(inReview.claimId, 'rules.v1', review.eventId),
      action: 'REJECT',
      final: true,
      reviewerOverrode: false,
      timestamps: { ...review.timestamps, decidedAt: 5000 },
    });
  });

  it('records that the reviewer overrode the model when the verdict differs from its recommendation', () => {
    const review = {
      ...sampleReview(inReview),
      outcome: 'APPROVE' as const,
      modelRecommendation: 'REJECT' as const,
    };
    expect(reviewedDecision(inReview, review, 1).reviewerOverrode).toBe(true);
  });
});
