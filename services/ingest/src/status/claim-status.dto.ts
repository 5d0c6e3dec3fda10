import { ApiProperty } from '@nestjs/swagger';
import { ActionSymbols, EVENT_CONTRACT_VERSION, ReviewOutcomeSymbols } from '@claims-mesh/contracts';
import { INGEST_API_VERSION } from '../api-version';
import type { ClaimStatus } from './status-view';

const STAGES = ['SUBMITTED', 'SCORED', 'DECIDED', 'REVIEWED'] as const;
const WAITING_FOR = ['REVIEW', 'EVIDENCE'] as const;

export class ClaimVersionsDto {
  @ApiProperty({ example: 'fraud_student:1', description: 'The model whose score the decision used, as name:version.' })
  model!: string;

  @ApiProperty({ example: '2026.11.1', description: 'Version of the rule set that decided.' })
  ruleSet!: string;

  @ApiProperty({ type: String, nullable: true, example: 'v3', description: 'Version of the features the model saw; null until the score is known to ingest.' })
  featureSet!: string | null;
}

export class ContractVersionsDto {
  @ApiProperty({ example: '1.0.0', description: "Semantic version of ingest's HTTP API (its OpenAPI document's info.version)." })
  api!: string;

  @ApiProperty({ example: '1.0.0', description: 'Semantic version of the event contract, the Avro schemas of the claim topics (schemas/CONTRACT.json).' })
  events!: string;
}

export class ClaimDecisionDto {
  @ApiProperty({ enum: ActionSymbols })
  action!: (typeof ActionSymbols)[number];

  @ApiProperty({ description: 'False while the decision waits (a REVIEW for a reviewer, a REQUEST_INFO for evidence).' })
  final!: boolean;

  @ApiProperty({ type: [String], example: ['HIGH_FRAUD_SCORE'], description: 'Codes of the rules that fired, in rule order.' })
  reasonCodes!: string[];

  @ApiProperty({ type: Boolean, nullable: true, description: 'After a review: whether the reviewer went against the model.' })
  reviewerOverrode!: boolean | null;

  @ApiProperty({ format: 'date-time' })
  decidedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'A REQUEST_INFO\'s deadline: evidence (POST /v1/claims/{claimId}/evidence) must come before it, or the claim is closed; null for other decisions.',
  })
  evidenceDeadline!: string | null;

  @ApiProperty({ type: ClaimVersionsDto })
  versions!: ClaimVersionsDto;
}

export class ClaimReviewDto {
  @ApiProperty({ enum: ReviewOutcomeSymbols })
  outcome!: (typeof ReviewOutcomeSymbols)[number];

  @ApiProperty({ format: 'date-time' })
  completedAt!: string;
}

/** GET /v1/claims/{claimId}: where the claim stands, from ingest's status view (no personal data). */
export class ClaimStatusDto {
  @ApiProperty({ format: 'uuid' })
  claimId!: string;

  @ApiProperty({ enum: STAGES, description: 'The stage of the latest event seen for the claim.' })
  stage!: (typeof STAGES)[number];

  @ApiProperty({ description: 'True once the latest event is a final decision.' })
  final!: boolean;

  @ApiProperty({ enum: WAITING_FOR, nullable: true, description: 'What the claim waits for: a reviewer, or the customer\'s evidence; null otherwise.' })
  waitingFor!: (typeof WAITING_FOR)[number] | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When ingest accepted the claim (null until that record is seen).' })
  submittedAt!: string | null;

  @ApiProperty({ format: 'date-time', description: 'Time of the latest event.' })
  updatedAt!: string;

  @ApiProperty({ type: ClaimDecisionDto, nullable: true, description: 'The latest decision; null before the first.' })
  decision!: ClaimDecisionDto | null;

  @ApiProperty({ type: ClaimReviewDto, nullable: true, description: 'The latest reviewer verdict, if the claim was reviewed.' })
  review!: ClaimReviewDto | null;

  @ApiProperty({ type: ContractVersionsDto, description: 'The contract this answer and its events follow.' })
  contract!: ContractVersionsDto;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function claimStatusDto(status: ClaimStatus): ClaimStatusDto {
  const { decision, review } = status;
  return {
    claimId: status.claimId,
    stage: status.stage,
    final: status.final,
    waitingFor: status.waitingFor,
    submittedAt: status.submittedAt === null ? null : iso(status.submittedAt),
    updatedAt: iso(status.updatedAt),
    decision: decision
      ? {
          action: decision.action,
          final: decision.final,
          reasonCodes: decision.reasonCodes,
          reviewerOverrode: decision.reviewerOverrode,
          decidedAt: iso(decision.at),
          evidenceDeadline: decision.evidenceDeadline ? iso(decision.evidenceDeadline) : null,
          versions: {
            model: `${decision.model.name}:${decision.model.version}`,
            ruleSet: decision.ruleSetVersion,
            featureSet: decision.featureSetVersion,
          },
        }
      : null,
    review: review ? { outcome: review.outcome, completedAt: iso(review.at) } : null,
    contract: { api: INGEST_API_VERSION, events: EVENT_CONTRACT_VERSION },
  };
}
