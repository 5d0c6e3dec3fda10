import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ClaimDecided, ClaimScored, ReviewCompleted, Topic } from '@claims-mesh/contracts';
import { InboundRecord } from '@claims-mesh/kafka';
import { RolloutController } from '../rollout/rollout-controller';

/** The claims' outcomes the controller judges a candidate by: scores (main and shadow), labels and reviewed decisions. */
@Controller()
export class OutcomesController {
  constructor(private readonly controller: RolloutController) {}

  @EventPattern('claims.scored.v1' satisfies Topic)
  onScored(record: InboundRecord<ClaimScored>): void {
    this.controller.scored(record.value, Date.now());
  }

  @EventPattern('claims.scored.shadow.v1' satisfies Topic)
  onShadowScored(record: InboundRecord<ClaimScored>): void {
    this.controller.shadowScored(record.value, Date.now());
  }

  @EventPattern('reviews.completed.v1' satisfies Topic)
  onReviewCompleted(record: InboundRecord<ReviewCompleted>): void {
    this.controller.reviewed(record.value);
  }

  @EventPattern('claims.decided.v1' satisfies Topic)
  onDecided(record: InboundRecord<ClaimDecided>): void {
    this.controller.decided(record.value);
  }
}
