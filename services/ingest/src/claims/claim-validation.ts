import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ClaimBatchRequestDto, ClaimRequestDto } from './claim-request.dto';

export interface FieldProblem {
  /** Dotted path of the bad field, e.g. `amountMinor` or `claims[3].currency`. */
  field: string;
  problem: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** Validates one claim (HTTP body or inbound JSON record); unknown fields are refused too. */
export function validateClaim(input: unknown): Validated<ClaimRequestDto> {
  return validateAs(ClaimRequestDto, input, '');
}

export function validateClaimBatch(input: unknown, maxClaims: number): Validated<ClaimBatchRequestDto> {
  const claims = (input as { claims?: unknown })?.claims;
  if (Array.isArray(claims) && claims.length > maxClaims) {
    return { ok: false, problems: [{ field: 'claims', problem: `must hold at most ${maxClaims} claims, got ${claims.length}` }] };
  }
  return validateAs(ClaimBatchRequestDto, input, '');
}

function validateAs<T extends object>(cls: new () => T, input: unknown, prefix: string): Validated<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ field: prefix || '(body)', problem: 'must be a JSON object' }] };
  }
  const value = plainToInstance(cls, input);
  const problems = flatten(validateSync(value, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true }), prefix);
  problems.push(...malformedUnicode(input, prefix));
  return problems.length ? { ok: false, problems } : { ok: true, value };
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

/** Lone UTF-16 surrogates would be silently replaced when encoded: refuse them instead. */
function malformedUnicode(input: unknown, prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string' && !value.isWellFormed()) problems.push({ field: path, problem: 'contains malformed Unicode' });
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
    }
  };
  visit(input, prefix);
  return problems;
}
