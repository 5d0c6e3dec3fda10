import type { ClaimSubmitted } from './generated/contracts';

const DAY_MS = 86_400_000;

/** A claim's own fields as clients send and read them over HTTP: the policy's start day and the submission time as ISO text. */
export type ClientClaimFields = Pick<
  ClaimSubmitted,
  'customerId' | 'customerEmail' | 'policyId' | 'product' | 'amountMinor' | 'currency' | 'channel' | 'description' | 'mediaCount' | 'serialNumber' | 'region'
> & { policyStartDate: string; submittedAt: string };

/**
 * The client-facing shape of a ClaimSubmitted's claim fields (not its ids, submitter or later
 * stages' times): what ingest's entrances validate, and what a reviewer reads in a task.
 */
export function clientClaimFields(claim: ClaimSubmitted): ClientClaimFields {
  return {
    customerId: claim.customerId,
    customerEmail: claim.customerEmail,
    policyId: claim.policyId,
    policyStartDate: isoText(claim.policyStartDate * DAY_MS).slice(0, 10),
    product: claim.product,
    amountMinor: claim.amountMinor,
    currency: claim.currency,
    channel: claim.channel,
    description: claim.description,
    mediaCount: claim.mediaCount,
    serialNumber: claim.serialNumber,
    region: claim.region,
    submittedAt: isoText(claim.timestamps.submittedAt),
  };
}

/** A time out of Date's range becomes text a validator refuses, naming the field, rather than a RangeError. */
function isoText(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? String(epochMs) : date.toISOString();
}
