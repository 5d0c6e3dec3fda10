import { sampleClaim, sampleEvidence } from '@claims-mesh/testing';
import { compareStages, stageEntryOf } from './stages';

const SOURCE = { partition: 0, offset: '7', timestamp: 5_000, schemaId: 1 };

describe('lineage stages of a claim sent round again after an evidence request', () => {
  it("times a revision's submission by the broker (it keeps its first round's submittedAt), the first round by its own time", () => {
    const first = sampleClaim();
    first.timestamps.submittedAt = 1_000;
    const revision = { ...first, eventId: 'e-2', revision: 1 };
    expect(stageEntryOf('claims.submitted.v1', first, SOURCE)).toMatchObject({ stage: 'submitted', at: 1_000, revision: 0 });
    expect(stageEntryOf('claims.submitted.v1', revision, SOURCE)).toMatchObject({ stage: 'submitted', at: 5_000, revision: 1 });
  });

  it('records the evidence as a step of its own, after a decision at the same time', () => {
    const evidence = sampleEvidence({ mediaCount: 2 });
    evidence.timestamps.submittedAt = 3_000;
    const entry = stageEntryOf('claims.evidence.v1', evidence, SOURCE);
    expect(entry).toMatchObject({ stage: 'evidence', at: 3_000, eventId: evidence.eventId, mediaCount: 2, submittedBy: 'ingest' });
    expect(entry).not.toHaveProperty('description');
    const decided = { ...entry, stage: 'decided' as const };
    expect([entry, decided].sort(compareStages).map((s) => s.stage)).toEqual(['decided', 'evidence']);
  });
});
