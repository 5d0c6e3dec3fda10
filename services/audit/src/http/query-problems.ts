import { BadRequestException } from '@nestjs/common';

export interface FieldProblem {
  /** The query parameter (or path parameter) at fault. */
  field: string;
  problem: string;
}

export function invalidQuery(problems: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    error: 'invalid_query',
    message: problems.map((p) => `${p.field} ${p.problem}`).join('; '),
    fields: problems,
  });
}
