import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ClaimScored, Topic } from '@claims-mesh/contracts';
import { BatchResult, InboundRecord } from '@claims-mesh/kafka';
import { DecisionMaker } from './decision-maker';

@Controller()
export class ScoredClaimsController {
  constructor(private readonly decisions: DecisionMaker) {}

  /** One partition batch of scored claims: a decision for each on claims.decided.v1, in one transaction with the offsets. */
  @EventPattern('claims.scored.v1' satisfies Topic, { batch: true })
  onScoredClaims(records: InboundRecord<ClaimScored>[]): Promise<BatchResult> {
    return this.decisions.decideScored(records);
  }
}
