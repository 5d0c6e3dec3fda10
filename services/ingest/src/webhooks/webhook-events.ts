import { createHmac, timingSafeEqual } from 'node:crypto';
import { ClaimDecided, deterministicUuid, ReviewCompleted } from '@claims-mesh/contracts';

export type WebhookEventType = 'claim.decided' | 'claim.evidence_requested' | 'claim.reviewed';

/**
 * The JSON body POSTed to a client's callback. `id` is stable: derived from the source record's
 * eventId and the event type, so a redelivery (a retry, a replayed record) carries the same id
 * and the receiver can de-duplicate on it.
 */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** When the source event happened (its decidedAt or completedAt), ISO 8601. */
  occurredAt: string;
  claimId: string;
  data: DecisionData | ReviewData;
}

export interface DecisionData {
  action: ClaimDecided['action'];
  final: boolean;
  reasonCodes: string[];
  reviewerOverrode: boolean | null;
  /** A REQUEST_INFO's deadline for the evidence, ISO 8601; null for other decisions. */
  evidenceDeadline: string | null;
  versions: { model: string; ruleSet: string; featureSet: string | null };
}

export interface ReviewData {
  outcome: ReviewCompleted['outcome'];
}

export function webhookEventId(sourceEventId: string, type: WebhookEventType): string {
  return deterministicUuid('webhook', sourceEventId, type);
}

/**
 * A decision's event: `claim.evidence_requested` for a REQUEST_INFO that is not final (the
 * claim waits for the customer's evidence), `claim.decided` for every other decision (a REVIEW
 * that waits for a reviewer included: `final` says so).
 */
export function decisionEvent(decided: ClaimDecided, featureSetVersion: string | null, recordTimestamp: number): WebhookEvent {
  const type: WebhookEventType = decided.action === 'REQUEST_INFO' && !decided.final ? 'claim.evidence_requested' : 'claim.decided';
  return {
    id: webhookEventId(decided.eventId, type),
    type,
    occurredAt: new Date(decided.timestamps.decidedAt ?? recordTimestamp).toISOString(),
    claimId: decided.claimId,
    data: {
      action: decided.action,
      final: decided.final,
      reasonCodes: [...decided.reasonCodes],
      reviewerOverrode: decided.reviewerOverrode,
      evidenceDeadline: decided.evidenceDeadline ? new Date(decided.evidenceDeadline).toISOString() : null,
      versions: { model: `${decided.model.name}:${decided.model.version}`, ruleSet: decided.ruleSetVersion, featureSet: featureSetVersion },
    },
  };
}

/** A reviewer's verdict; the reviewer and the note (personal data) are left out. */
export function reviewEvent(review: ReviewCompleted): WebhookEvent {
  const type: WebhookEventType = 'claim.reviewed';
  return {
    id: webhookEventId(review.eventId, type),
    type,
    occurredAt: new Date(review.completedAt).toISOString(),
    claimId: review.claimId,
    data: { outcome: review.outcome },
  };
}

export const SIGNATURE_HEADER = 'X-Claims-Signature';

/** HMAC-SHA256 of `<timestamp>.<body>` with the client's secret, hex. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The X-Claims-Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 over "t.body">`. */
export function signatureHeader(secret: string, body: string, nowMs = Date.now()): string {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/**
 * What a receiver does (README's snippet does the same): recompute the HMAC over the raw body,
 * compare in constant time, and refuse a timestamp older than `toleranceSeconds` (replays).
 */
export function verifySignature(secret: string, header: string, body: string, toleranceSeconds = 300, nowMs = Date.now()): boolean {
  const fields = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(fields.t);
  if (!Number.isInteger(timestamp) || !fields.v1 || Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  const given = Buffer.from(fields.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
