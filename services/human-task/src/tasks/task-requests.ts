import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { ReviewOutcome, ReviewOutcomeSymbols } from '@claims-mesh/contracts';
import { badRequest, validateAs } from '@claims-mesh/platform';

export const LIST_STATUSES = ['open', 'claimed', 'completed'] as const;
export const MAX_NOTE_LENGTH = 2000;

export class ListTasksQuery {
  /** Without it: every task still to do, open or claimed. */
  @IsOptional()
  @IsIn(LIST_STATUSES, { message: `status must be one of ${LIST_STATUSES.join(', ')}` })
  status?: (typeof LIST_STATUSES)[number];

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor must be a nextCursor value from an earlier page' })
  cursor?: string;
}

export class TaskIdParam {
  @IsUUID(undefined, { message: 'taskId must be a UUID (the actionId of the REVIEW decision)' })
  taskId!: string;
}

export class CompleteTaskRequest {
  @IsIn(ReviewOutcomeSymbols, { message: `outcome must be one of ${ReviewOutcomeSymbols.join(', ')}` })
  outcome!: ReviewOutcome;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Matches(/\S/, { message: 'note must not be empty: say why you decided so' })
  @MaxLength(MAX_NOTE_LENGTH)
  note!: string;
}

/** The request part as `cls`, or a 400 `{ error, message, fields }` naming every bad field. */
export function validRequest<T extends object>(cls: new () => T, input: unknown, part: 'body' | 'query' | 'path'): T {
  const validated = validateAs(cls, input, `(${part})`);
  if (!validated.ok) throw badRequest(validated.problems);
  return validated.value;
}
