import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ClaimDecided } from '@claims-mesh/contracts';
import { InboundRecord } from '@claims-mesh/kafka';
import { ReviewTasksService } from '../tasks/review-tasks.service';

export const DECIDED_TOPIC = 'claims.decided.v1';

/** Decisions that wait for a human (REVIEW, not final) become review tasks; every other decision is none of ours. */
@Controller()
export class ReviewDecisionsController {
  constructor(private readonly tasks: ReviewTasksService) {}

  @EventPattern(DECIDED_TOPIC)
  async openReviewTask(record: InboundRecord<ClaimDecided>): Promise<void> {
    const decision = record.value;
    if (decision.action !== 'REVIEW' || decision.final) return;
    await this.tasks.open(decision, Date.now());
  }
}
