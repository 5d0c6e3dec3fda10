import { deterministicUuid, type ClaimEnriched, type ClaimScored, type ModelRef, type Route } from '@claims-mesh/contracts';

export interface Score {
  model: ModelRef;
  route: Route;
  shard: string;
  fraudProbability: number;
  /** Set when the teacher gave the final score. */
  studentProbability: number | null;
  batchSize: number;
  tritonLatencyMs: number;
}

/** |p - 0.5| scaled to 0..1: 0 at a coin toss, 1 at certainty either way. */
export function confidenceOf(probability: number): number {
  return Math.abs(probability - 0.5) * 2;
}

/** The ClaimScored of a score; its eventId is derived, so a replay publishes the very same event. */
export function scoredEvent(enriched: ClaimEnriched, score: Score, scoredAt: number): ClaimScored {
  return {
    eventId: deterministicUuid(enriched.eventId, score.model.name, score.model.version),
    claimId: enriched.claimId,
    causationId: enriched.eventId,
    claim: enriched.claim,
    featureSetVersion: enriched.featureSetVersion,
    features: enriched.features,
    model: score.model,
    route: score.route,
    shard: score.shard,
    fraudProbability: score.fraudProbability,
    studentProbability: score.studentProbability,
    confidence: confidenceOf(score.fraudProbability),
    batchSize: score.batchSize,
    tritonLatencyMs: score.tritonLatencyMs,
    timestamps: { ...enriched.timestamps, scoredAt },
  };
}
