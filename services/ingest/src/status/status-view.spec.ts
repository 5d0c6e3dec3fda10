import { ClaimDecided, EVENT_CONTRACT_VERSION, ReviewCompleted } from '@claims-mesh/contracts';
import { INGEST_API_VERSION } from '../api-version';
import { claimStatusOf, DecisionPart, StatusParts } from './status-view';
import { claimStatusDto } from './claim-status.dto';

const CLAIM = '6f1c3a52-3d1b-4f7e-9a5e-2b8c9d0e1f20';

function decision(overrides: Partial<DecisionPart> = {}): DecisionPart {
  return {
    eventId: 'e-1',
    actionId: 'a-1',
    action: 'APPROVE',
    final: true,
    reasonCodes: ['LOW_RISK'],
    ruleSetVersion: 'rules-7',
    model: { name: 'fraud_student', version: '1' },
    reviewerOverrode: null,
    at: 3000,
    ...overrides,
  };
}

const base: StatusParts = {
  owner: 'upstream-dev',
  submitted: { eventId: 's-1', at: 1000 },
  scored: { featureSetVersion: 'fs-2', model: { name: 'fraud_student', version: '1' }, at: 2000 },
};

describe('claimStatusOf', () => {
  it('is SUBMITTED, then SCORED, by the latest event', () => {
    expect(claimStatusOf(CLAIM, { owner: 'x', submitted: base.submitted })).toMatchObject({ stage: 'SUBMITTED', final: false, waitingFor: null, decision: null });
    expect(claimStatusOf(CLAIM, base)).toMatchObject({ stage: 'SCORED', updatedAt: 2000 });
    expect(claimStatusOf(CLAIM, { owner: 'x' })).toBeUndefined();
  });

  it('gives a final decision with its versions, the feature set from the score', () => {
    const status = claimStatusOf(CLAIM, { ...base, decision: decision() });
    expect(claimStatusDto(status!)).toEqual({
      claimId: CLAIM,
      stage: 'DECIDED',
      final: true,
      waitingFor: null,
      submittedAt: new Date(1000).toISOString(),
      updatedAt: new Date(3000).toISOString(),
      decision: {
        action: 'APPROVE',
        final: true,
        reasonCodes: ['LOW_RISK'],
        reviewerOverrode: null,
        decidedAt: new Date(3000).toISOString(),
        evidenceDeadline: null,
        versions: { model: 'fraud_student:1', ruleSet: 'rules-7', featureSet: 'fs-2' },
      },
      review: null,
      contract: { api: INGEST_API_VERSION, events: EVENT_CONTRACT_VERSION },
    });
  });

  it('waits for a reviewer on a REVIEW, until the review; then the final decision settles it', () => {
    const inReview = { ...base, decision: decision({ action: 'REVIEW', final: false }) };
    expect(claimStatusOf(CLAIM, inReview)).toMatchObject({ stage: 'DECIDED', final: false, waitingFor: 'REVIEW' });
    const reviewed = { ...inReview, review: { eventId: 'r-1', outcome: 'REJECT' as const, at: 4000 } };
    expect(claimStatusOf(CLAIM, reviewed)).toMatchObject({ stage: 'REVIEWED', final: false, waitingFor: null });
    const settled = { ...reviewed, decision: decision({ action: 'REJECT', final: true, reviewerOverrode: true, at: 5000 }) };
    expect(claimStatusOf(CLAIM, settled)).toMatchObject({ stage: 'DECIDED', final: true, waitingFor: null, review: { outcome: 'REJECT' } });
  });

  it('waits for evidence on a REQUEST_INFO that is not final, and no longer once a new round is submitted', () => {
    const asked = { ...base, decision: decision({ action: 'REQUEST_INFO', final: false }) };
    expect(claimStatusOf(CLAIM, asked)).toMatchObject({ stage: 'DECIDED', final: false, waitingFor: 'EVIDENCE' });
    expect(claimStatusOf(CLAIM, { ...asked, submitted: { eventId: 's-2', at: 6000 } })).toMatchObject({ stage: 'SUBMITTED', waitingFor: null });
    // A final REQUEST_INFO (today's rule set) waits for nothing.
    expect(claimStatusOf(CLAIM, { ...base, decision: decision({ action: 'REQUEST_INFO', final: true }) })).toMatchObject({ final: true, waitingFor: null });
  });
});

describe('the view holds no personal data', () => {
  it('keeps none of the pii fields of the records it is built from', async () => {
    const { decisionUpdate, reviewUpdate } = await import('./status-view');
    const claim = { customerId: 'cust-SECRET', customerEmail: 'x@SECRET', policyId: 'pol-SECRET', description: 'SECRET words', serialNumber: 'SN-SECRET', submittedBy: 'c1' };
    const decided = { ...decision(), claimId: CLAIM, causationId: 'c', claim, route: 'STUDENT', shard: 's', fraudProbability: 0.1, confidence: 0.8, timestamps: { decidedAt: 3000 } } as unknown as ClaimDecided;
    const review = { eventId: 'r', claimId: CLAIM, taskId: 't', actionId: 'a', outcome: 'APPROVE', reviewerId: 'rev-SECRET', note: 'SECRET note', completedAt: 9 } as unknown as ReviewCompleted;
    const stored = JSON.stringify([decisionUpdate(decided, 1), reviewUpdate(review)]);
    expect(stored).not.toContain('SECRET');
  });
});
