import { LINEAGE_FIELDS } from './lineage-keys';
import { lineageViewOf } from './lineage-view';
import { MASK } from './pii';
import { StageEntry } from './stages';

function stage(stage: StageEntry['stage'], at: number, extra: Partial<StageEntry> = {}): StageEntry {
  return {
    stage,
    at,
    eventId: `${stage}-${at}`,
    topic: 't',
    partition: 0,
    offset: String(at),
    schemaId: 1,
    ...extra,
  };
}

function hashOf(...stages: StageEntry[]): Record<string, string> {
  return Object.fromEntries(stages.map((s) => [`stage:${s.stage}:${s.eventId}`, JSON.stringify(s)]));
}

describe('lineageViewOf', () => {
  it('orders stages by time, then by the order stages happen in', () => {
    const view = lineageViewOf(
      'c-1',
      hashOf(stage('decided', 9), stage('shadow-scored', 5), stage('scored', 5), stage('submitted', 1)),
      undefined,
    );
    expect(view?.stages.map((s) => s.stage)).toEqual(['submitted', 'scored', 'shadow-scored', 'decided']);
  });

  it('takes provenance from the decision that settled the claim and reveals kept personal values', () => {
    const review = stage('decided', 2, { actionId: 'a-review', ruleSetVersion: 'rules-1' });
    const final = stage('decided', 4, { actionId: 'a-final', ruleSetVersion: 'rules-2' });
    const reviewed = stage('reviewed', 3, { outcome: 'REJECT', note: MASK });
    const lineage = {
      ...hashOf(review, final, reviewed),
      [LINEAGE_FIELDS.final]: JSON.stringify({ actionId: 'a-final', decidedAt: 4 }),
    };
    const view = lineageViewOf('c-1', lineage, {
      [`stage:reviewed:${reviewed.eventId}`]: JSON.stringify({ note: 'ok' }),
    });

    expect(view?.provenance).toEqual(
      expect.objectContaining({
        actionId: 'a-final',
        ruleSetVersion: 'rules-2',
        reviewerOutcome: 'REJECT',
        model: null,
      }),
    );
    expect(view?.stages.find((s) => s.stage === 'reviewed')?.note).toBe('ok');
  });

  it('knows nothing of a claim without a lineage hash', () => {
    expect(lineageViewOf('c-1', {}, undefined)).toBeUndefined();
  });
});
