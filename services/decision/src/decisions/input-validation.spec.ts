import { sampleClaim, sampleDecided, sampleEnriched, sampleReview, sampleScored } from '@claims-mesh/testing';
import { reviewProblem, scoredClaimProblem } from './input-validation';

describe('scoredClaimProblem', () => {
  it('accepts a usual scored claim', () => {
    expect(scoredClaimProblem(sampleScored())).toBeUndefined();
  });

  it.each([
    [{ fraudProbability: 1.2 }, /fraudProbability 1.2 is not within 0..1/],
    [{ fraudProbability: NaN }, /fraudProbability NaN/],
    [{ confidence: -0.1 }, /confidence -0.1 is not within 0..1/],
  ])('names what the rules cannot judge: %j', (override, reason) => {
    expect(scoredClaimProblem({ ...sampleScored(), ...override })).toMatch(reason);
  });

  it('refuses a negative amount', () => {
    const scored = sampleScored(sampleEnriched(sampleClaim({ amountMinor: -5 })));
    expect(scoredClaimProblem(scored)).toMatch(/claim.amountMinor -5/);
  });
});

describe('reviewProblem', () => {
  const inReview = sampleDecided();

  it('accepts a verdict on a REVIEW decision of the same claim', () => {
    expect(reviewProblem(sampleReview(inReview), inReview)).toBeUndefined();
  });

  it('calls a review of a decision it does not know a review of an unknown task', () => {
    const review = sampleReview(inReview);
    expect(reviewProblem(review, undefined)).toBe(
      `review ${review.eventId} of task ${review.taskId} (actionId ${review.actionId}, claim ${review.claimId}) refers to an unknown task: ` +
        'this service made no REVIEW decision with that actionId, or forgot it after REVIEW_TTL_DAYS',
    );
  });

  it('refuses a verdict on a decision that was not a REVIEW', () => {
    expect(reviewProblem(sampleReview(inReview), { ...inReview, action: 'APPROVE' })).toMatch(
      /answers a APPROVE decision, not a REVIEW/,
    );
  });

  it('refuses a verdict whose claim is not the reviewed one', () => {
    const review = { ...sampleReview(inReview), claimId: 'another-claim' };
    expect(reviewProblem(review, inReview)).toMatch(
      `answers the REVIEW of another claim, ${inReview.claimId}`,
    );
  });

  it('refuses a model recommendation that is no verdict', () => {
    const review = { ...sampleReview(inReview), modelRecommendation: 'REVIEW' as const };
    expect(reviewProblem(review, inReview)).toMatch(/modelRecommendation REVIEW; only APPROVE or REJECT/);
  });
});
