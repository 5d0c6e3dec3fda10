import { randomUUID } from 'node:crypto';
import { modelRollout } from '@claims-mesh/contracts';
import type {
  ClaimDecided,
  ClaimEnriched,
  ClaimEvidence,
  ClaimScored,
  ClaimSubmitted,
  Features,
  ModelRollout,
  ReviewCompleted,
} from '@claims-mesh/contracts';

const DAY_MS = 86_400_000;

/** A valid claim as ingest would publish it; override any field. */
export function sampleClaim(overrides: Partial<ClaimSubmitted> = {}): ClaimSubmitted {
  const submittedAt = Date.now();
  return {
    eventId: randomUUID(),
    claimId: randomUUID(),
    customerId: 'cust-0001',
    customerEmail: 'jane.doe@example.test',
    policyId: 'pol-778899',
    policyStartDate: Math.floor((submittedAt - 400 * DAY_MS) / DAY_MS),
    product: 'phone',
    amountMinor: 45_900,
    currency: 'EUR',
    channel: 'MOBILE_APP',
    description: 'Screen cracked after a fall.',
    mediaCount: 2,
    serialNumber: 'SN-12345-ABC',
    region: 'EU-WEST',
    submittedBy: 'ingest',
    timestamps: { submittedAt, enrichedAt: null, scoredAt: null, decidedAt: null, reviewedAt: null },
    revision: 0,
    ...overrides,
  };
}

/** Evidence answering a REQUEST_INFO on a claim, as ingest would publish it; override any field. */
export function sampleEvidence(overrides: Partial<ClaimEvidence> = {}): ClaimEvidence {
  return {
    eventId: randomUUID(),
    claimId: randomUUID(),
    mediaCount: 3,
    description: 'Photos of the cracked screen attached.',
    serialNumber: null,
    subjectRef: null,
    submittedBy: 'ingest',
    timestamps: { submittedAt: Date.now(), enrichedAt: null, scoredAt: null, decidedAt: null, reviewedAt: null },
    ...overrides,
  };
}

export function sampleFeatures(overrides: Partial<Features> = {}): Features {
  return {
    customerClaimCount1h: 1,
    customerClaimCount24h: 1,
    customerClaimCount30d: 2,
    customerAmount1hMinor: 45_900,
    customerAmount24hMinor: 45_900,
    customerAmount30dMinor: 91_800,
    amountZScore: 0.4,
    daysSincePolicyStart: 400,
    descriptionLength: 28,
    mediaCount: 2,
    isFirstClaim: false,
    serialNumberSeenBefore: false,
    ...overrides,
  };
}

export function sampleEnriched(claim = sampleClaim()): ClaimEnriched {
  return {
    eventId: randomUUID(),
    claimId: claim.claimId,
    causationId: claim.eventId,
    claim,
    featureSetVersion: 'fs-1',
    features: sampleFeatures(),
    timestamps: { ...claim.timestamps, enrichedAt: claim.timestamps.submittedAt + 3 },
  };
}

export function sampleScored(enriched = sampleEnriched()): ClaimScored {
  return {
    eventId: randomUUID(),
    claimId: enriched.claimId,
    causationId: enriched.eventId,
    claim: enriched.claim,
    featureSetVersion: enriched.featureSetVersion,
    features: enriched.features,
    model: { name: 'fraud_student', version: '1' },
    route: 'STUDENT',
    shard: 'triton-0',
    fraudProbability: 0.12,
    studentProbability: null,
    confidence: 0.76,
    batchSize: 16,
    tritonLatencyMs: 2.5,
    timestamps: { ...enriched.timestamps, scoredAt: (enriched.timestamps.enrichedAt ?? 0) + 5 },
  };
}

export function sampleDecided(scored = sampleScored()): ClaimDecided {
  return {
    eventId: randomUUID(),
    claimId: scored.claimId,
    causationId: scored.eventId,
    actionId: randomUUID(),
    action: 'REVIEW',
    reasonCodes: ['SCORE_UNCERTAIN'],
    ruleSetVersion: 'rules-1',
    final: false,
    reviewerOverrode: null,
    claim: scored.claim,
    model: scored.model,
    route: scored.route,
    shard: scored.shard,
    fraudProbability: scored.fraudProbability,
    confidence: scored.confidence,
    timestamps: { ...scored.timestamps, decidedAt: (scored.timestamps.scoredAt ?? 0) + 1 },
    evidenceDeadline: null,
  };
}

export function sampleReview(decided = sampleDecided()): ReviewCompleted {
  const completedAt = (decided.timestamps.decidedAt ?? 0) + 60_000;
  return {
    eventId: randomUUID(),
    claimId: decided.claimId,
    taskId: decided.actionId,
    actionId: decided.actionId,
    outcome: 'APPROVE',
    reviewerId: 'reviewer-7',
    subjectRef: null,
    note: 'Photos match the serial number.',
    modelRecommendation: 'APPROVE',
    completedAt,
    timestamps: { ...decided.timestamps, reviewedAt: completedAt },
    selection: 'RISK',
  };
}

/** A routing for the fraud family: version 2 in a quarter of the claims, override any field. */
export function sampleRollout(overrides: Partial<ModelRollout> = {}): ModelRollout {
  // modelRollout gives the fresh eventId and decidedAt a published record gets.
  const rollout = modelRollout({
    family: 'fraud',
    primaryVersion: '1',
    canary: { version: '2', weight: 0.25 },
    shadowVersion: null,
    uncertainLow: 0.3,
    uncertainHigh: 0.7,
    stage: 'CANARY',
    candidateVersion: '2',
    reason: 'shadow evaluation passed',
    decidedBy: 'it',
  });
  return { ...rollout, ...overrides };
}

/** One valid sample per value schema, by schema name. */
export function sampleOfEachSchema(): Record<string, unknown> {
  const decided = sampleDecided();
  return {
    ClaimSubmitted: sampleClaim(),
    ClaimEnriched: sampleEnriched(),
    ClaimScored: sampleScored(),
    ClaimDecided: decided,
    ReviewCompleted: sampleReview(decided),
    ClaimEvidence: sampleEvidence({ claimId: decided.claimId }),
    ModelRollout: sampleRollout(),
  };
}
