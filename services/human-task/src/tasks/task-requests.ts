import { BadRequestException } from '@nestjs/common';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, validateSync, ValidationError } from 'class-validator';
import { ReviewOutcome, ReviewOutcomeSymbols } from '@claims-mesh/contracts';

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

export interface FieldProblem {
  field: string;
  problem: string;
}

/** The request part as `cls`, or a 400 `{ error, message, fields }` naming every bad field; unknown fields are refused. */
export function validRequest<T extends object>(cls: new () => T, input: unknown, part: 'body' | 'query' | 'path'): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw validationFailed([{ field: `(${part})`, problem: 'must be a JSON object' }]);
  }
  const value = plainToInstance(cls, input);
  const problems = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true }).flatMap(problemsOf);
  for (const [field, v] of Object.entries(value)) {
    // A lone UTF-16 surrogate would be silently replaced when the verdict is encoded.
    if (typeof v === 'string' && !v.isWellFormed()) problems.push({ field, problem: `${field} contains malformed Unicode` });
  }
  if (problems.length) throw validationFailed(problems);
  return value;
}

function problemsOf(error: ValidationError): FieldProblem[] {
  return Object.values(error.constraints ?? {}).map((problem) => ({
    field: error.property,
    problem: problem.replace(/^property (\S+) should not exist$/, '$1 is not a known field'),
  }));
}

export function validationFailed(problems: FieldProblem[]): BadRequestException {
  const message = problems.map((p) => p.problem).join('; ');
  return new BadRequestException({ error: 'validation_failed', message, fields: problems });
}
