import { deterministicUuid } from '@claims-mesh/contracts';
import { sampleDecided, sampleEvidence } from '@claims-mesh/testing';
import { EVIDENCE_NOT_RECEIVED, lapsedDecision, revisedClaim } from './evidence-decisions';

describe('evidence decisions', () => {
  const request = { ...sampleDecided(), action: 'REQUEST_INFO' as const, reasonCodes: ['NO_EVIDENCE'], evidenceDeadline: 9_000 };

  it('merges evidence into the next revision of the same claim, with an id derived from the evidence', () => {
    const evidence = sampleEvidence({ claimId: request.claimId, mediaCount: 2, description: 'More.', serialNumber: null });
    const revision = revisedClaim(request, evidence);
    expect(revision).toMatchObject({
      claimId: request.claimId,
      eventId: deterministicUuid(request.claimId, evidence.eventId, 'revision-1'),
      revision: 1,
      mediaCount: request.claim.mediaCount + 2,
      description: `${request.claim.description}\nMore.`,
      serialNumber: request.claim.serialNumber,
      timestamps: { submittedAt: request.claim.timestamps.submittedAt, decidedAt: null },
    });
    expect(revisedClaim(request, evidence)).toEqual(revision);
    const second = revisedClaim({ ...request, claim: revision }, sampleEvidence({ claimId: request.claimId, mediaCount: null, description: null }));
    expect(second).toMatchObject({ revision: 2, mediaCount: revision.mediaCount, description: revision.description });
  });

  it('closes a lapsed request with a final REJECT decided at the deadline, the same each time', () => {
    const lapsed = lapsedDecision(request);
    expect(lapsed).toMatchObject({
      action: 'REJECT',
      final: true,
      reasonCodes: ['NO_EVIDENCE', EVIDENCE_NOT_RECEIVED],
      causationId: request.eventId,
      timestamps: { decidedAt: 9_000 },
    });
    expect(lapsedDecision(request)).toEqual(lapsed);
  });
});
