import { randomUUID } from 'node:crypto';
import { ClaimSubmitted, clientClaimFields, deterministicUuid } from '@claims-mesh/contracts';
import { ClaimRequestDto } from './claim-request.dto';

const DAY_MS = 86_400_000;

export interface ClaimIds {
  claimId: string;
  eventId: string;
}

/**
 * The ids of a submission. With an idempotency key they are derived from it, so even a
 * retry that outlives the idempotency record yields the same claim; without one they are new.
 */
export function idsFor(request: ClaimRequestDto, idempotencyKey: string | undefined): ClaimIds {
  const eventId = request.eventId ?? (idempotencyKey ? deterministicUuid('ingest-event', idempotencyKey) : randomUUID());
  const claimId = request.claimId ?? (idempotencyKey || request.eventId ? deterministicUuid('ingest-claim', eventId) : randomUUID());
  return { claimId, eventId };
}

/** The canonical ClaimSubmitted record of a validated request. */
export function toClaimSubmitted(request: ClaimRequestDto, ids: ClaimIds, submittedBy: string, now = Date.now()): ClaimSubmitted {
  return {
    eventId: ids.eventId,
    claimId: ids.claimId,
    customerId: request.customerId,
    customerEmail: request.customerEmail ?? null,
    policyId: request.policyId,
    policyStartDate: Math.floor(Date.parse(`${request.policyStartDate}T00:00:00Z`) / DAY_MS),
    product: request.product,
    amountMinor: request.amountMinor,
    currency: request.currency,
    channel: request.channel,
    description: request.description,
    mediaCount: request.mediaCount,
    serialNumber: request.serialNumber,
    region: request.region,
    submittedBy,
    timestamps: {
      submittedAt: request.submittedAt ? Date.parse(request.submittedAt) : now,
      enrichedAt: null,
      scoredAt: null,
      decidedAt: null,
      reviewedAt: null,
    },
  };
}

/**
 * A ClaimSubmitted from upstream in the client-facing shape the HTTP and JSON entrances validate:
 * its ids kept, the day and time as ISO text (so toClaimSubmitted gives them back unchanged). The
 * fields ingest sets itself (submittedBy, revision, the later stages' times) are left out.
 */
export function toClaimRequest(claim: ClaimSubmitted): Record<string, unknown> {
  return { eventId: claim.eventId, claimId: claim.claimId, ...clientClaimFields(claim), customerEmail: claim.customerEmail ?? undefined };
}
