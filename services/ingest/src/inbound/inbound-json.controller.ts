import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { deterministicUuid } from '@claims-mesh/contracts';
import { InboundRecord, InvalidRecordError, OutboundRecord } from '@claims-mesh/kafka';
import { toClaimSubmitted } from '../claims/claim-factory';
import { SUBMITTED_TOPIC } from '../claims/claim-intake.service';
import { validateClaim } from '../claims/claim-validation';

export const INBOUND_JSON_TOPIC = 'claims.inbound.json.v1';

/**
 * The entrance for upstream systems that cannot write Avro: JSON claims are validated like
 * HTTP ones and republished as canonical Avro; invalid ones go to the DLQ with the reason.
 */
@Controller()
export class InboundJsonController {
  @EventPattern(INBOUND_JSON_TOPIC, { raw: true })
  toCanonicalAvro(record: InboundRecord<Buffer | null>): OutboundRecord {
    const json = parseJson(record.value);
    const claim = validateClaim(json);
    if (!claim.ok) {
      throw new InvalidRecordError(`invalid claim: ${claim.problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`);
    }
    // Without a client eventId the record's position is the idempotency key: a replay maps to the same claim.
    const eventId = claim.value.eventId ?? deterministicUuid('inbound-json', record.topic, String(record.partition), record.offset);
    const claimId = claim.value.claimId ?? deterministicUuid('ingest-claim', eventId);
    const submittedBy = record.headers['source-system'] ?? 'inbound-json';
    const value = toClaimSubmitted(claim.value, { claimId, eventId }, submittedBy, record.timestamp);
    return { topic: SUBMITTED_TOPIC, key: claimId, value };
  }
}

function parseJson(bytes: Buffer | null): unknown {
  if (!bytes || bytes.length === 0) throw new InvalidRecordError('empty value: expected a JSON claim');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new InvalidRecordError('value is not valid UTF-8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRecordError(`value is not JSON: ${(error as Error).message}`);
  }
}
