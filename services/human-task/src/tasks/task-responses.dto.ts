import { ApiProperty } from '@nestjs/swagger';
import { ChannelSymbols, ReviewOutcomeSymbols, RouteSymbols } from '@claims-mesh/contracts';
import { ErrorBodyDto } from '@claims-mesh/platform';
import { LIST_STATUSES } from './task-requests';

// The reviewers' API answers as OpenAPI documents them: TaskView and TaskPage (task-view.ts,
// task-listing.ts) field for field. The requests' schemas come from task-requests.ts's validators.

export class TaskLeaseDto {
  @ApiProperty({ description: 'Reviewer (API key id) holding the task.' })
  holder!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ description: 'Whether the caller holds it.' })
  yours!: boolean;
}

export class TaskClaimDto {
  @ApiProperty({ type: 'string', nullable: true, description: "Personal data: null once the customer's personal data was erased." })
  customerId!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: "Personal data: null when not given, or once the customer's personal data was erased." })
  customerEmail!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: "Personal data: null once the customer's personal data was erased." })
  policyId!: string | null;

  @ApiProperty({ format: 'date' })
  policyStartDate!: string;

  @ApiProperty()
  product!: string;

  @ApiProperty({ type: 'integer' })
  amountMinor!: number;

  @ApiProperty()
  currency!: string;

  @ApiProperty({ enum: ChannelSymbols })
  channel!: string;

  @ApiProperty({ type: 'string', nullable: true, description: "Personal data: null once the customer's personal data was erased." })
  description!: string | null;

  @ApiProperty({ type: 'integer' })
  mediaCount!: number;

  @ApiProperty({ type: 'string', nullable: true, description: "Personal data: null once the customer's personal data was erased." })
  serialNumber!: string | null;

  @ApiProperty()
  region!: string;

  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;
}

export class TaskModelDto {
  @ApiProperty()
  name!: string;

  @ApiProperty()
  version!: string;

  @ApiProperty({ enum: RouteSymbols })
  route!: string;

  @ApiProperty()
  shard!: string;

  @ApiProperty()
  fraudProbability!: number;

  @ApiProperty()
  confidence!: number;

  @ApiProperty({ enum: ReviewOutcomeSymbols, description: 'What the rules would have done with this score had no human been asked.' })
  recommendation!: string;
}

export class TaskDecisionDto {
  @ApiProperty({ type: [String] })
  reasonCodes!: string[];

  @ApiProperty()
  ruleSetVersion!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  decidedAt!: string | null;
}

export class TaskReviewDto {
  @ApiProperty({ enum: ReviewOutcomeSymbols })
  outcome!: string;

  @ApiProperty()
  note!: string;

  @ApiProperty()
  reviewerId!: string;

  @ApiProperty({ format: 'date-time' })
  completedAt!: string;

  @ApiProperty({ format: 'uuid', description: 'eventId of the reviews.completed.v1 record.' })
  eventId!: string;

  @ApiProperty({ description: 'Whether Kafka acknowledged reviews.completed.v1.' })
  published!: boolean;
}

export class TaskViewDto {
  @ApiProperty({ format: 'uuid' })
  taskId!: string;

  @ApiProperty()
  claimId!: string;

  @ApiProperty({ format: 'uuid', description: 'The REVIEW decision\'s actionId (the task id).' })
  actionId!: string;

  @ApiProperty({ enum: LIST_STATUSES })
  status!: string;

  @ApiProperty({ type: 'integer' })
  priority!: number;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty()
  overdue!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: TaskLeaseDto, nullable: true, description: 'While the task is claimed.' })
  lease!: TaskLeaseDto | null;

  @ApiProperty({ type: TaskClaimDto })
  claim!: TaskClaimDto;

  @ApiProperty({ type: TaskModelDto })
  model!: TaskModelDto;

  @ApiProperty({ type: TaskDecisionDto })
  decision!: TaskDecisionDto;

  @ApiProperty({ type: TaskReviewDto, nullable: true, description: 'Once completed.' })
  review!: TaskReviewDto | null;
}

export class TaskCountsDto {
  @ApiProperty({ type: 'integer', description: 'Tasks still to do (open or claimed).' })
  todo!: number;

  @ApiProperty({ type: 'integer' })
  overdue!: number;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskViewDto] })
  tasks!: TaskViewDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null when the index is exhausted. A page may be short, even empty, and still have a next one.' })
  nextCursor!: string | null;

  @ApiProperty({ type: TaskCountsDto })
  counts!: TaskCountsDto;
}

/** 409: the refusal and the task as it is now. */
export class TaskConflictDto extends ErrorBodyDto {
  @ApiProperty({ enum: ['claimed_by_other', 'lease_expired', 'not_claimed', 'already_completed'] })
  declare error: string;

  @ApiProperty({ type: TaskViewDto, required: false })
  task?: TaskViewDto;
}
