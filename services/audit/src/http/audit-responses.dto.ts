import { ApiProperty } from '@nestjs/swagger';
import { ActionSymbols } from '@claims-mesh/contracts';
import { STAGE_ORDER } from '../lineage/stages';

// The audit API's answers as OpenAPI documents them: LineageView (lineage-view.ts), DecidedClaim
// (decided-claims.ts) and ErasureReceipt (subject-erasure.ts), field for field.

export class DecidedClaimDto {
  @ApiProperty()
  claimId!: string;

  @ApiProperty({ enum: ActionSymbols })
  action!: string;

  @ApiProperty({ format: 'uuid' })
  actionId!: string;

  @ApiProperty()
  ruleSetVersion!: string;

  @ApiProperty({ format: 'uuid', description: 'eventId of the final claims.decided.v1 record.' })
  eventId!: string;

  @ApiProperty({ type: 'integer', description: 'Epoch milliseconds.' })
  submittedAt!: number;

  @ApiProperty({ type: 'integer', description: 'Epoch milliseconds.' })
  decidedAt!: number;

  @ApiProperty({ description: 'Submission to this decision, the claim\'s end-to-end latency.' })
  endToEndLatencyMs!: number;
}

export class DecidedClaimsPageDto {
  @ApiProperty({ type: [DecidedClaimDto], description: 'Oldest decision first.' })
  claims!: DecidedClaimDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor!: string | null;
}

export class StageEntryDto {
  @ApiProperty({ enum: STAGE_ORDER })
  stage!: string;

  @ApiProperty({ type: 'integer', description: 'When the step happened, epoch milliseconds.' })
  at!: number;

  @ApiProperty({ type: 'string', nullable: true })
  eventId!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Null for the erasure step, which happens in audit itself.' })
  topic!: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  partition!: number | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Kafka offset, as a decimal string.' })
  offset!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Schema registry id of the record\'s writer schema.' })
  schemaId!: number | null;
}

export class ModelRefDto {
  @ApiProperty()
  name!: string;

  @ApiProperty()
  version!: string;
}

export class ProvenanceDto {
  @ApiProperty({ type: 'string', nullable: true })
  featureSetVersion!: string | null;

  @ApiProperty({ type: ModelRefDto, nullable: true })
  model!: ModelRefDto | null;

  @ApiProperty({ type: 'string', nullable: true })
  route!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  shard!: string | null;

  @ApiProperty({ type: ModelRefDto, nullable: true })
  shadowModel!: ModelRefDto | null;

  @ApiProperty({ type: 'string', nullable: true })
  ruleSetVersion!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  actionId!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  reviewerOutcome!: string | null;
}

export class FinalDecisionDto {
  @ApiProperty({ enum: ActionSymbols })
  action!: string;

  @ApiProperty({ format: 'uuid' })
  actionId!: string;

  @ApiProperty()
  ruleSetVersion!: string;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ type: 'integer' })
  submittedAt!: number;

  @ApiProperty({ type: 'integer' })
  decidedAt!: number;

  @ApiProperty()
  endToEndLatencyMs!: number;
}

export class ErasureStepDto {
  @ApiProperty({ type: 'integer' })
  at!: number;

  @ApiProperty()
  erasedBy!: string;
}

export class LineageViewDto {
  @ApiProperty()
  claimId!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The claim as submitted (a claims.submitted.v1 record, schemas/ClaimSubmitted.avsc); personal fields masked unless the key has audit:pii and the customer was not erased.',
  })
  claim!: Record<string, unknown> | null;

  @ApiProperty({ type: [StageEntryDto], description: 'Every step in order; each carries, besides these fields, the provenance fields of its record under their schema names.' })
  stages!: StageEntryDto[];

  @ApiProperty({ type: ProvenanceDto })
  provenance!: ProvenanceDto;

  @ApiProperty({ type: FinalDecisionDto, nullable: true })
  finalDecision!: FinalDecisionDto | null;

  @ApiProperty({ type: ErasureStepDto, nullable: true })
  erasure!: ErasureStepDto | null;
}

export class ErasureReceiptDto {
  @ApiProperty({ type: 'integer', description: 'Claims of the customer whose personal data left the index.' })
  claims!: number;

  @ApiProperty({ type: 'integer', description: 'Epoch milliseconds of the first erasure.' })
  erasedAt!: number;

  @ApiProperty()
  erasedBy!: string;
}
