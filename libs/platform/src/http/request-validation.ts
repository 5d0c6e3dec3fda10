import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** One bad part of a request: the dotted path of the field (e.g. `claims[3].currency`) and why. */
export interface FieldProblem {
  field: string;
  problem: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/**
 * Validates a request part (body, query, path) as the class-validator class `cls`, nested
 * objects included. Unknown fields are refused, and so are strings with malformed Unicode
 * (a lone UTF-16 surrogate would be silently replaced when the value is encoded).
 */
export function validateAs<T extends object>(cls: new () => T, input: unknown, part = '(body)'): Validated<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ field: part, problem: 'must be a JSON object' }] };
  }
  const value = plainToInstance(cls, input);
  const problems = flatten(validateSync(value, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true }), '');
  problems.push(...malformedUnicode(input));
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

/** The 400 every service answers for a bad request: `{ error, message, fields }`, each field named. */
export function badRequest(problems: FieldProblem[], error = 'validation_failed'): BadRequestException {
  const message = problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
  return new BadRequestException({ error, message, fields: problems });
}

function flatten(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((problem) => ({
      field,
      problem: problem.replace(/^property (\S+) should not exist$/, 'is not a known field'),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function malformedUnicode(input: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string' && !value.isWellFormed()) problems.push({ field: path, problem: 'contains malformed Unicode' });
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
    }
  };
  visit(input, '');
  return problems;
}
