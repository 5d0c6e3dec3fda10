import type { Action, ClaimDecided, ClaimSubmitted, Topic, TopicValues } from '@claims-mesh/contracts';
import { PiiValues, piiPathsOfClaim, piiPathsOfTopic, splitPii } from './pii';
import { claimOf, StageEntry, stageEntryOf } from './stages';

/** The decision that settled a claim (`final: true`), as indexed for lists by action and time. */
export interface FinalDecision {
  action: Action;
  actionId: string;
  ruleSetVersion: string;
  eventId: string;
  submittedAt: number;
  decidedAt: number;
  /** Submission to this decision, the claim's end-to-end latency. */
  endToEndLatencyMs: number;
}

/** What one consumed record adds to its claim's lineage. Personal data travels apart from the rest. */
export interface LineageWrite {
  claimId: string;
  /** The step's field in the claim's lineage: the same event (a replay) always lands on the same one. */
  stageField: string;
  stage: StageEntry;
  stagePii?: PiiValues;
  /** The customer, when the record carries the claim. */
  customerId?: string;
  claim?: { masked: ClaimSubmitted; pii?: PiiValues };
  final?: FinalDecision;
}

export const STAGE_FIELD_PREFIX = 'stage:';

/** The write for a decoded record of a stage topic (submitted, enriched, scored, decided, reviewed). */
export function stageWriteOf<K extends Topic>(
  topic: K,
  value: TopicValues[K],
  source: { partition: number; offset: string; timestamp: number; schemaId: number },
): LineageWrite {
  const entry = stageEntryOf(topic, value, source);
  const { masked, pii } = splitPii(entry, piiPathsOfTopic(topic));
  return {
    claimId: value.claimId,
    stageField: `${STAGE_FIELD_PREFIX}${entry.stage}:${value.eventId}`,
    stage: masked,
    stagePii: pii,
    // The claim is kept from its submitted record only; later records' copies of it are not even decoded.
    ...claimPartOf(topic === 'claims.submitted.v1' ? claimOf(topic, value) : undefined),
    final:
      topic === 'claims.decided.v1' ? finalDecisionOf(value as ClaimDecided, source.timestamp) : undefined,
  };
}

/** The customer and the masked claim with its personal values, for any record that carries the claim. */
export function claimPartOf(claim: ClaimSubmitted | undefined): Pick<LineageWrite, 'customerId' | 'claim'> {
  if (!claim) return {};
  const { masked, pii } = splitPii(claim, piiPathsOfClaim());
  return { customerId: claim.customerId, claim: { masked, pii } };
}

function finalDecisionOf(decided: ClaimDecided, brokerTimestamp: number): FinalDecision | undefined {
  if (!decided.final) return undefined;
  const decidedAt = decided.timestamps.decidedAt ?? brokerTimestamp;
  const submittedAt = decided.timestamps.submittedAt;
  return {
    action: decided.action,
    actionId: decided.actionId,
    ruleSetVersion: decided.ruleSetVersion,
    eventId: decided.eventId,
    submittedAt,
    decidedAt,
    endToEndLatencyMs: decidedAt - submittedAt,
  };
}
