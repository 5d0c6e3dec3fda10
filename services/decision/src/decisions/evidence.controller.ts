import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ClaimEvidence, Topic } from '@claims-mesh/contracts';
import { InboundRecord, OutboundRecord } from '@claims-mesh/kafka';
import { DecisionMaker } from './decision-maker';

@Controller()
export class EvidenceController {
  constructor(private readonly decisions: DecisionMaker) {}

  /** The customer's evidence for a REQUEST_INFO: the claim's next revision on claims.submitted.v1. */
  @EventPattern('claims.evidence.v1' satisfies Topic)
  onEvidence(record: InboundRecord<ClaimEvidence>): Promise<OutboundRecord[]> {
    return this.decisions.reviseWithEvidence(record);
  }
}
