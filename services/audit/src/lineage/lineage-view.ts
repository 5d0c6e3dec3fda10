import type { ClaimSubmitted } from '@claims-mesh/contracts';
import { LINEAGE_FIELDS } from './lineage-keys';
import { FinalDecision, STAGE_FIELD_PREFIX } from './lineage-write';
import { PiiValues, revealPii } from './pii';
import { compareStages, StageEntry, StageName } from './stages';

/** A claim's lineage as the API returns it. */
export interface LineageView {
  claimId: string;
  /** The claim as submitted; personal fields masked unless the reader may see them and they were not erased. */
  claim: ClaimSubmitted | null;
  /** Every step, in order. */
  stages: StageEntry[];
  /** Which versions of what handled the claim, from the latest step of each kind. */
  provenance: {
    featureSetVersion: string | null;
    model: { name: string; version: string } | null;
    route: string | null;
    shard: string | null;
    shadowModel: { name: string; version: string } | null;
    ruleSetVersion: string | null;
    actionId: string | null;
    reviewerOutcome: string | null;
  };
  finalDecision: FinalDecision | null;
  /** The customer's erasure, when there was one. */
  erasure: { at: number; erasedBy: string } | null;
}

/**
 * Builds the view of a claim from its lineage hash (and its personal values, for readers
 * who may see them). Undefined when the index knows nothing of the claim.
 */
export function lineageViewOf(
  claimId: string,
  lineage: Record<string, string>,
  pii: Record<string, string> | undefined,
): LineageView | undefined {
  if (Object.keys(lineage).length === 0) return undefined;
  const reveal = <T extends object>(field: string, masked: T): T =>
    pii?.[field] ? revealPii(masked, JSON.parse(pii[field]) as PiiValues) : masked;

  const stages = Object.entries(lineage)
    .filter(([field]) => field.startsWith(STAGE_FIELD_PREFIX))
    .map(([field, json]) => reveal(field, JSON.parse(json) as StageEntry))
    .sort(compareStages);
  const claim = lineage[LINEAGE_FIELDS.claim]
    ? reveal(LINEAGE_FIELDS.claim, JSON.parse(lineage[LINEAGE_FIELDS.claim]) as ClaimSubmitted)
    : null;
  const finalDecision = lineage[LINEAGE_FIELDS.final]
    ? (JSON.parse(lineage[LINEAGE_FIELDS.final]) as FinalDecision)
    : null;
  const erasure = stages.find((s) => s.stage === 'erasure');
  return {
    claimId,
    claim,
    stages,
    provenance: provenanceOf(stages, finalDecision),
    finalDecision,
    erasure: erasure ? { at: erasure.at, erasedBy: String(erasure.erasedBy) } : null,
  };
}

function provenanceOf(stages: StageEntry[], finalDecision: FinalDecision | null): LineageView['provenance'] {
  const latest = (stage: StageName) => stages.findLast((s) => s.stage === stage);
  const field = <T>(stage: StageEntry | undefined, name: string) => (stage?.[name] ?? null) as T | null;
  const scored = latest('scored');
  const decided = finalDecision
    ? stages.find((s) => s.stage === 'decided' && s.actionId === finalDecision.actionId)
    : latest('decided');
  return {
    featureSetVersion: field(latest('enriched') ?? scored, 'featureSetVersion'),
    model: field(scored, 'model'),
    route: field(scored, 'route'),
    shard: field(scored, 'shard'),
    shadowModel: field(latest('shadow-scored'), 'model'),
    ruleSetVersion: field(decided, 'ruleSetVersion'),
    actionId: field(decided, 'actionId'),
    reviewerOutcome: field(latest('reviewed'), 'outcome'),
  };
}
