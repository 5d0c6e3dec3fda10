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
  // Checked first: class-transformer and class-validator recurse without bound, throw on
  // malformed Unicode (validator's encodeURI) and treat __proto__/constructor keys specially.
  const structural = structuralProblems(input);
  if (structural.length) return { ok: false, problems: structural };
  const value = plainToInstance(cls, input);
  const problems = flatten(validateSync(value, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true }), '');
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

/** Deeper than any request of the mesh nests. */
const MAX_DEPTH = 16;
/** Keys that would reach an object's prototype instead of a field. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

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

/** Malformed Unicode (in values and keys), reserved keys and nesting beyond MAX_DEPTH, walked without recursion. */
function structuralProblems(input: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  while (pending.length && problems.length < 100) {
    const { value, path, depth } = pending.pop() as (typeof pending)[number];
    if (typeof value === 'string') {
      if (!value.isWellFormed()) problems.push({ field: path, problem: 'contains malformed Unicode' });
    } else if (value && typeof value === 'object') {
      if (depth >= MAX_DEPTH) {
        problems.push({ field: path, problem: `is nested more than ${MAX_DEPTH} levels deep` });
        continue;
      }
      if (Array.isArray(value)) value.forEach((v, i) => pending.push({ value: v, path: `${path}[${i}]`, depth: depth + 1 }));
      else {
        for (const [k, v] of Object.entries(value)) {
          const field = path ? `${path}.${k}` : k;
          if (!k.isWellFormed()) problems.push({ field: field.toWellFormed(), problem: 'is a name with malformed Unicode' });
          else if (RESERVED_KEYS.has(k)) problems.push({ field, problem: 'is not a known field' });
          else pending.push({ value: v, path: field, depth: depth + 1 });
        }
      }
    }
  }
  return problems;
}
