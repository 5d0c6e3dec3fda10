import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { BatchResult, InboundRecord } from '@claims-mesh/kafka';
import { DEAD_LETTER_TOPICS, STAGE_TOPICS } from './audited-topics';
import { LineageRecorder } from './lineage-recorder';

/** Audit listens to the whole mesh: every topic of topics.json and every DLQ, one partition batch at a time. */
@Controller()
export class AuditedRecordsController {
  constructor(private readonly recorder: LineageRecorder) {}

  @EventPattern(STAGE_TOPICS, { batch: true, raw: true })
  onStageRecords(records: InboundRecord<Buffer | null>[]): Promise<BatchResult> {
    return this.recorder.recordStages(records);
  }

  @EventPattern(DEAD_LETTER_TOPICS, { batch: true, raw: true })
  onDeadLetters(records: InboundRecord<Buffer | null>[]): Promise<BatchResult> {
    return this.recorder.recordDeadLetters(records);
  }
}
