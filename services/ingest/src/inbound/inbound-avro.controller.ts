import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ClaimSubmitted, EntranceTopic } from '@claims-mesh/contracts';
import { InboundRecord, InvalidRecordError, OutboundRecord } from '@claims-mesh/kafka';
import { toClaimRequest } from '../claims/claim-factory';
import { republishedClaim } from './inbound-claim';

export const INBOUND_AVRO_TOPIC: EntranceTopic = 'claims.inbound.avro.v1';

/**
 * The entrance for upstream systems that write Avro (ClaimSubmitted, Confluent wire format) with
 * their personal data in plaintext. Each claim is validated as an HTTP or JSON one is and
 * re-published on claims.submitted.v1, which ingest alone writes, so every copy past this topic
 * is sealed and shredded by erasure. Records that do not decode are dead-lettered by the transport.
 */
@Controller()
export class InboundAvroController {
  @EventPattern(INBOUND_AVRO_TOPIC)
  toSealedClaim(record: InboundRecord<ClaimSubmitted>): OutboundRecord {
    const claim = record.value;
    // A later round of a claim is the decision service's to write, from the evidence it was sent.
    if ((claim.revision ?? 0) !== 0) throw new InvalidRecordError(`invalid claim: revision must be 0 from upstream, got ${claim.revision}`);
    // It names the system that filed the claim, for the claim's lineage and status.
    if (claim.submittedBy.trim() === '' || claim.submittedBy.length > 64) {
      throw new InvalidRecordError('invalid claim: submittedBy must name the upstream system in 1 to 64 characters');
    }
    return republishedClaim(toClaimRequest(claim), record, claim.submittedBy);
  }
}
