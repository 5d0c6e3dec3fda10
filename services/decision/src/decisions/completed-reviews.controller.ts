import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ReviewCompleted, Topic } from '@claims-mesh/contracts';
import { InboundRecord, OutboundRecord } from '@claims-mesh/kafka';
import { DecisionMaker } from './decision-maker';

@Controller()
export class CompletedReviewsController {
  constructor(private readonly decisions: DecisionMaker) {}

  /** A reviewer's verdict: the claim's final decision on claims.decided.v1. */
  @EventPattern('reviews.completed.v1' satisfies Topic)
  onReviewCompleted(record: InboundRecord<ReviewCompleted>): Promise<OutboundRecord[]> {
    return this.decisions.decideReviewed(record);
  }
}
