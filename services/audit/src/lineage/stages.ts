import { projectedValueSchema, topicValueSchema } from '@claims-mesh/contracts';
import type { ClaimScored, ClaimSubmitted, Topic, TopicValues, ValueSchema } from '@claims-mesh/contracts';

/** The steps a claim goes through, in the order they happen when their times tie. */
export const STAGE_ORDER = [
  'submitted',
  'enriched',
  'scored',
  'shadow-scored',
  'decided',
  'reviewed',
  'evidence',
  'dead-lettered',
  'erasure',
] as const;

export type StageName = (typeof STAGE_ORDER)[number];

/**
 * One step of a claim's lineage. Provenance fields copied from the record keep their names
 * in its schema (e.g. `featureSetVersion`, `model`, `ruleSetVersion`), so the schema's PII
 * marks apply to the entry as they are. Kafka coordinates are null for the erasure step,
 * which happens in the audit service itself.
 */
export interface StageEntry {
  stage: StageName;
  /** When the step happened, epoch ms: the record's own stage timestamp. */
  at: number;
  eventId: string | null;
  topic: string | null;
  partition: number | null;
  offset: string | null;
  /** Schema registry id of the writer schema of the record (Confluent wire format). */
  schemaId: number | null;
  [provenance: string]: unknown;
}

interface StageSpec<T> {
  stage: StageName;
  /** The record's time for this stage; null when its producer left it unset. */
  timeOf(value: T): number | null;
  /** Fields of the record kept in the lineage. */
  provenance: readonly (keyof T)[];
}

const SCORE_PROVENANCE: readonly (keyof ClaimScored)[] = [
  'causationId',
  'featureSetVersion',
  'model',
  'route',
  'shard',
  'fraudProbability',
  'studentProbability',
  'confidence',
  'batchSize',
  'tritonLatencyMs',
];

const STAGE_SPECS: { [K in Topic]: StageSpec<TopicValues[K]> } = {
  'claims.submitted.v1': {
    stage: 'submitted',
    // A revision (the claim sent round again after an evidence request) keeps its first round's
    // submittedAt; its step happened when it was written, the broker's time.
    timeOf: (v) => ((v.revision ?? 0) > 0 ? null : v.timestamps.submittedAt),
    provenance: ['submittedBy', 'revision'],
  },
  'claims.enriched.v1': {
    stage: 'enriched',
    timeOf: (v) => v.timestamps.enrichedAt,
    provenance: ['causationId', 'featureSetVersion'],
  },
  'claims.scored.v1': { stage: 'scored', timeOf: (v) => v.timestamps.scoredAt, provenance: SCORE_PROVENANCE },
  'claims.scored.shadow.v1': {
    stage: 'shadow-scored',
    timeOf: (v) => v.timestamps.scoredAt,
    provenance: SCORE_PROVENANCE,
  },
  'claims.decided.v1': {
    stage: 'decided',
    timeOf: (v) => v.timestamps.decidedAt,
    provenance: [
      'causationId',
      'actionId',
      'action',
      'final',
      'reasonCodes',
      'ruleSetVersion',
      'reviewerOverrode',
      'model',
      'route',
      'shard',
      'fraudProbability',
      'confidence',
    ],
  },
  'reviews.completed.v1': {
    stage: 'reviewed',
    timeOf: (v) => v.timestamps.reviewedAt ?? v.completedAt,
    provenance: ['taskId', 'actionId', 'outcome', 'modelRecommendation', 'reviewerId', 'note', 'completedAt', 'selection'],
  },
  'claims.evidence.v1': {
    stage: 'evidence',
    timeOf: (v) => v.timestamps.submittedAt,
    provenance: ['submittedBy', 'mediaCount'],
  },
};

/** Whether audit knows what step of a claim a topic's records are. */
export function isStageTopic(topic: string): topic is Topic {
  return Object.hasOwn(STAGE_SPECS, topic);
}

/**
 * The lineage step a decoded record of a stage topic stands for. The time falls back to the
 * broker's timestamp when the producer did not stamp its stage.
 */
export function stageEntryOf<K extends Topic>(
  topic: K,
  value: TopicValues[K],
  source: { partition: number; offset: string; timestamp: number; schemaId: number },
): StageEntry {
  const spec = STAGE_SPECS[topic] as StageSpec<TopicValues[K]>;
  const entry: StageEntry = {
    stage: spec.stage,
    at: spec.timeOf(value) ?? source.timestamp,
    eventId: value.eventId,
    topic,
    partition: source.partition,
    offset: source.offset,
    schemaId: source.schemaId,
  };
  for (const field of spec.provenance) entry[field as string] = value[field];
  return entry;
}

/** The claim as submitted, carried by every record up to the decision (reviews carry none). */
export function claimOf<K extends Topic>(topic: K, value: TopicValues[K]): ClaimSubmitted | undefined {
  if (topic === 'claims.submitted.v1') return value as ClaimSubmitted;
  return (value as { claim?: ClaimSubmitted }).claim;
}

/** Fields every stage reads besides its provenance: the claim's and event's ids and the stage times. */
const ALWAYS_READ = ['claimId', 'eventId', 'timestamps'];
const readerSchemas = new Map<Topic, ValueSchema>();

/**
 * The reader schema audit decodes a stage topic's records with: only the fields the lineage
 * takes from them. A scored or decided record is mostly its embedded claim and features;
 * skipping them in the Avro decoder is most of audit's decoding cost saved. The submitted
 * record is read whole: it is the claim, which the lineage keeps from it alone.
 */
export function stageReaderSchemaOf(topic: string): ValueSchema {
  if (!isStageTopic(topic)) throw new Error(`audit: ${topic} is not a stage topic`);
  let schema = readerSchemas.get(topic);
  if (!schema) {
    const full = topicValueSchema(topic);
    const provenance = (STAGE_SPECS[topic].provenance as readonly string[]).filter((f) => !ALWAYS_READ.includes(f));
    schema = topic === 'claims.submitted.v1' ? full : projectedValueSchema(full.name, [...ALWAYS_READ, ...provenance]);
    readerSchemas.set(topic, schema);
  }
  return schema;
}

/** Lineage order: by time, then by the natural order of the steps, then by Kafka position. */
export function compareStages(a: StageEntry, b: StageEntry): number {
  return (
    a.at - b.at ||
    STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage) ||
    (a.topic ?? '').localeCompare(b.topic ?? '') ||
    Number(a.partition ?? 0) - Number(b.partition ?? 0) ||
    Number(BigInt(a.offset ?? 0) - BigInt(b.offset ?? 0))
  );
}
