import { deterministicUuid } from '@claims-mesh/contracts';
import { InboundRecord, InvalidRecordError, OutboundRecord } from '@claims-mesh/kafka';
import { toClaimSubmitted } from '../claims/claim-factory';
import { SUBMITTED_TOPIC } from '../claims/claim-intake.service';
import { validateClaim } from '../claims/claim-validation';

/**
 * What ingest makes of a claim an upstream system wrote to an entrance topic (JSON or Avro):
 * validated as an HTTP claim is, and re-published on claims.submitted.v1 by the transport, whose
 * serde seals its personal data when sealing is on. An invalid claim throws InvalidRecordError,
 * so the transport dead-letters the record with the reason and the partition moves on.
 */
export function republishedClaim(claim: unknown, record: InboundRecord<unknown>, submittedBy: string): OutboundRecord {
  const valid = validateClaim(claim);
  if (!valid.ok) {
    throw new InvalidRecordError(`invalid claim: ${valid.problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`);
  }
  // The ids are the claim's own, else derived from the record's position, so a redelivered or
  // replayed record is the same event and the mesh absorbs it by its eventId. The namespace is
  // the one the JSON entrance always derived with: its replays keep their ids.
  const eventId = valid.value.eventId ?? deterministicUuid('inbound-json', record.topic, String(record.partition), record.offset);
  const claimId = valid.value.claimId ?? deterministicUuid('ingest-claim', eventId);
  const value = toClaimSubmitted(valid.value, { claimId, eventId }, submittedBy, record.timestamp);
  return { topic: SUBMITTED_TOPIC, key: claimId, value };
}
