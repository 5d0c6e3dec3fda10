import { Action, ClaimDecided, ClaimScored, ClaimSubmitted, isEnvelope, parseEnvelope, ReviewCompleted, ReviewOutcome } from '@claims-mesh/contracts';

/**
 * The compact status view of one claim that ingest keeps from the topics (claims.submitted.v1,
 * claims.scored.v1, claims.decided.v1, reviews.completed.v1) for `GET /v1/claims/{claimId}`.
 * It holds ids, codes, versions and times only: no field the schemas mark `pii` (no customer,
 * policy, description, serial number, reviewer or note), so it can be shown to the submitter.
 *
 * Stored as one Redis hash per claim. Every part but `owner` is written with the time of the
 * event it comes from (`<part>@`) and only over an older one, so records of different topics
 * may arrive in any order, and twice, and the view stays the same.
 */
export interface StatusParts {
  /** Who submitted the claim: ClaimSubmitted.submittedBy (the API key id for HTTP submissions). */
  owner?: string;
  submitted?: SubmittedPart;
  scored?: ScoredPart;
  decision?: DecisionPart;
  review?: ReviewPart;
}

export interface SubmittedPart {
  eventId: string;
  /** When the claim was accepted (the record's time), epoch ms. */
  at: number;
  /** The customer's keyed pseudonym when the claim's personal data is sealed (its envelopes name it): evidence is sealed under it. */
  subjectRef?: string;
}

export interface ScoredPart {
  featureSetVersion: string;
  model: { name: string; version: string };
  at: number;
}

export interface DecisionPart {
  eventId: string;
  actionId: string;
  action: Action;
  final: boolean;
  reasonCodes: string[];
  ruleSetVersion: string;
  model: { name: string; version: string };
  reviewerOverrode: boolean | null;
  /** A REQUEST_INFO's deadline for the customer's evidence (epoch ms); null otherwise. Absent in views written before it was kept. */
  evidenceDeadline?: number | null;
  at: number;
}

export interface ReviewPart {
  eventId: string;
  outcome: ReviewOutcome;
  at: number;
}

/** One write to the view: the parts a record brings (each with its own time), for one claim. */
export interface StatusUpdate {
  claimId: string;
  owner?: string;
  parts: { name: PartName; at: number; value: unknown }[];
}

export type PartName = 'submitted' | 'scored' | 'decision' | 'review';

export function submittedUpdate(claim: ClaimSubmitted, recordTimestamp: number): StatusUpdate {
  const at = recordTimestamp || claim.timestamps.submittedAt;
  const subjectRef = isEnvelope(claim.customerId) ? parseEnvelope(claim.customerId)?.subjectRef : undefined;
  const submitted: SubmittedPart = { eventId: claim.eventId, at, ...(subjectRef ? { subjectRef } : {}) };
  return { claimId: claim.claimId, owner: claim.submittedBy, parts: [{ name: 'submitted', at, value: submitted }] };
}

export function scoredUpdate(scored: ClaimScored, recordTimestamp: number): StatusUpdate {
  const at = scored.timestamps.scoredAt ?? recordTimestamp;
  const part: ScoredPart = { featureSetVersion: scored.featureSetVersion, model: { ...scored.model }, at };
  return { claimId: scored.claimId, owner: scored.claim.submittedBy, parts: [{ name: 'scored', at, value: part }] };
}

export function decisionUpdate(decided: ClaimDecided, recordTimestamp: number): StatusUpdate {
  const at = decided.timestamps.decidedAt ?? recordTimestamp;
  const part: DecisionPart = {
    eventId: decided.eventId,
    actionId: decided.actionId,
    action: decided.action,
    final: decided.final,
    reasonCodes: [...decided.reasonCodes],
    ruleSetVersion: decided.ruleSetVersion,
    model: { ...decided.model },
    reviewerOverrode: decided.reviewerOverrode,
    evidenceDeadline: decided.evidenceDeadline ?? null,
    at,
  };
  return { claimId: decided.claimId, owner: decided.claim.submittedBy, parts: [{ name: 'decision', at, value: part }] };
}

/** A review carries no owner: the view knows it from the claim's other records. */
export function reviewUpdate(review: ReviewCompleted): StatusUpdate {
  const part: ReviewPart = { eventId: review.eventId, outcome: review.outcome, at: review.completedAt };
  return { claimId: review.claimId, parts: [{ name: 'review', at: review.completedAt, value: part }] };
}

export type Stage = 'SUBMITTED' | 'SCORED' | 'DECIDED' | 'REVIEWED';
export type WaitingFor = 'REVIEW' | 'EVIDENCE';

/** What `GET /v1/claims/{claimId}` answers, before it is turned into JSON (times as epoch ms). */
export interface ClaimStatus {
  claimId: string;
  stage: Stage;
  final: boolean;
  waitingFor: WaitingFor | null;
  submittedAt: number | null;
  updatedAt: number;
  decision: (DecisionPart & { featureSetVersion: string | null }) | null;
  review: ReviewPart | null;
}

/**
 * Where a claim stands: the stage of its latest event (by the time each event carries), the
 * decision with its versions, and what it waits for. A decision that is not final waits: a
 * REVIEW for a reviewer, a REQUEST_INFO for the customer's evidence, until a later event
 * (the review, the evidence's new round) moves it on.
 */
export function claimStatusOf(claimId: string, parts: StatusParts): ClaimStatus | undefined {
  const events: { stage: Stage; at: number; rank: number }[] = [];
  if (parts.submitted) events.push({ stage: 'SUBMITTED', at: parts.submitted.at, rank: 0 });
  if (parts.scored) events.push({ stage: 'SCORED', at: parts.scored.at, rank: 1 });
  if (parts.decision) events.push({ stage: 'DECIDED', at: parts.decision.at, rank: 2 });
  if (parts.review) events.push({ stage: 'REVIEWED', at: parts.review.at, rank: 3 });
  if (events.length === 0) return undefined;
  // Later event first; at the same millisecond the later stage of the flow.
  const latest = events.reduce((a, b) => (b.at > a.at || (b.at === a.at && b.rank > a.rank) ? b : a));
  const { decision } = parts;
  const decisionIsLatest = latest.stage === 'DECIDED' && decision !== undefined;
  let waitingFor: WaitingFor | null = null;
  if (decisionIsLatest && !decision.final) {
    if (decision.action === 'REVIEW') waitingFor = 'REVIEW';
    else if (decision.action === 'REQUEST_INFO') waitingFor = 'EVIDENCE';
  }
  return {
    claimId,
    stage: latest.stage,
    final: decisionIsLatest && decision.final,
    waitingFor,
    submittedAt: parts.submitted?.at ?? null,
    updatedAt: latest.at,
    decision: decision ? { ...decision, featureSetVersion: parts.scored?.featureSetVersion ?? null } : null,
    review: parts.review ?? null,
  };
}

/** The view's parts from the stored hash (fields `owner` and `<part>` as JSON). */
export function partsFromHash(hash: Record<string, string>): StatusParts {
  const parts: StatusParts = {};
  if (hash.owner) parts.owner = hash.owner;
  for (const name of ['submitted', 'scored', 'decision', 'review'] as const) {
    if (hash[name]) (parts as Record<string, unknown>)[name] = JSON.parse(hash[name]);
  }
  return parts;
}
