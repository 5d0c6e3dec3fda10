import { ActionSymbols, type Action } from '@claims-mesh/contracts';
import { DecidedClaimsQuery } from '../decisions/decided-claims';
import { decodeCursor } from './list-cursor';
import { FieldProblem } from '@claims-mesh/platform';

export const KNOWN_PARAMETERS = ['action', 'from', 'to', 'limit', 'cursor'];
export const EPOCH_MS = /^\d{1,15}$/;
export const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export type ParsedQuery = { ok: true; value: DecidedClaimsQuery } | { ok: false; problems: FieldProblem[] };

/**
 * Validates the query of GET /v1/claims: `action` one of the actions, `from`/`to` as ISO
 * 8601 (a date, or a date-time with a zone) or epoch milliseconds, `limit` 1..maxLimit,
 * `cursor` as returned by the page before. Every bad or unknown parameter is named.
 */
export function parseClaimsQuery(
  query: Record<string, unknown>,
  limits: { defaultLimit: number; maxLimit: number },
): ParsedQuery {
  const problems: FieldProblem[] = [];
  const single = (field: string): string | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      problems.push({ field, problem: 'must be given once' });
      return undefined;
    }
    return value;
  };
  for (const field of Object.keys(query))
    if (!KNOWN_PARAMETERS.includes(field)) problems.push({ field, problem: 'is not a known parameter' });

  const action = single('action');
  if (action !== undefined && !(ActionSymbols as readonly string[]).includes(action)) {
    problems.push({ field: 'action', problem: `must be one of ${ActionSymbols.join(', ')}` });
  }
  const from = timeOf('from', single('from'), problems);
  const to = timeOf('to', single('to'), problems);
  if (from !== undefined && to !== undefined && to < from)
    problems.push({ field: 'to', problem: 'must not be before from' });

  const limitText = single('limit');
  const limit = limitText === undefined ? limits.defaultLimit : Number(limitText);
  if (limitText !== undefined && (!/^\d+$/.test(limitText) || limit < 1 || limit > limits.maxLimit)) {
    problems.push({ field: 'limit', problem: `must be a whole number from 1 to ${limits.maxLimit}` });
  }
  const cursorText = single('cursor');
  const after = cursorText === undefined ? undefined : decodeCursor(cursorText);
  if (cursorText !== undefined && !after)
    problems.push({ field: 'cursor', problem: 'is not a cursor returned by this API' });

  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { action: action as Action | undefined, from, to, limit, after } };
}

function timeOf(field: string, text: string | undefined, problems: FieldProblem[]): number | undefined {
  if (text === undefined) return undefined;
  const ms = EPOCH_MS.test(text) ? Number(text) : isIsoTime(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    problems.push({
      field,
      problem: 'must be an ISO 8601 date or date-time with a zone, or epoch milliseconds',
    });
    return undefined;
  }
  return ms;
}

/** ISO 8601 with a real calendar day: Date.parse alone rolls 2025-02-30 over to March. */
function isIsoTime(text: string): boolean {
  if (!ISO_8601.test(text)) return false;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
