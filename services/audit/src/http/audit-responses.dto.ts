import { ApiProperty } from '@nestjs/swagger';
import { ActionSymbols } from '@claims-mesh/contracts';
import { STAGE_ORDER } from '../lineage/stages';

// The audit API's answers as OpenAPI documents them: LineageView (lineage-view.ts), DecidedClaim
// (decided-claims.ts) and ErasureView (erasure-view.ts), field for field.

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

export class StoreErasureDto {
  @ApiProperty({ description: 'A store the erasure waits for (audit\'s ERASURE_STORES).' })
  store!: string;

  @ApiProperty({ description: 'The store reported the erasure applied.' })
  done!: boolean;

  @ApiProperty({ type: 'string', nullable: true, description: 'The service that keeps the store; null while pending.' })
  service!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Epoch milliseconds of the completion; null while pending.' })
  completedAt!: number | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    nullable: true,
    description: 'What the store removed or redacted, as counts by kind; null while pending.',
  })
  removed!: Record<string, number> | null;
}

export class ErasureStatusDto {
  @ApiProperty({ format: 'uuid', description: 'Identity of the erasure (eventId of its subjects.erasure.v1 record).' })
  erasureId!: string;

  @ApiProperty({ description: 'The subject\'s keyed pseudonym, the key of the erasure topics (never the customer id).' })
  subjectRef!: string;

  @ApiProperty({ type: 'integer', description: 'Epoch milliseconds of the first request.' })
  requestedAt!: number;

  @ApiProperty({ description: 'The API key that first asked for it.' })
  requestedBy!: string;

  @ApiProperty({ description: 'Every store is done.' })
  complete!: boolean;

  @ApiProperty({ type: [StoreErasureDto] })
  stores!: StoreErasureDto[];
}
