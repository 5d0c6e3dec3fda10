import type { ClaimDecided } from '@claims-mesh/contracts';

/**
 * Priority of a review task, 0 (least urgent) to 100:
 *
 *   priority = round(100 × (0.7 × fraudProbability + 0.3 × amountFactor))
 *   amountFactor = min(1, log10(1 + amount in major units) / 5)
 *
 * The fraud score dominates; the amount breaks near-ties on a log scale, so 100,000 or more
 * of any currency weighs fully and a 50 claim barely counts. Within one priority, the task
 * due first comes first.
 */
export function priorityOf(decision: Pick<ClaimDecided, 'fraudProbability' | 'claim'>): number {
  const fraud = clamp01(decision.fraudProbability);
  const amountFactor = Math.min(1, Math.log10(1 + Math.max(0, decision.claim.amountMinor) / 100) / 5);
  return Math.round(100 * (0.7 * fraud + 0.3 * amountFactor));
}

// Index members sort lexicographically (every score is 0), so a member is its own cursor.
const TIME_DIGITS = 15;
const LATEST_TIME = 10 ** TIME_DIGITS - 1;

/** Member of the to-do index: highest priority first, then earliest due, then task id. */
export function queueMember(priority: number, dueAt: number, taskId: string): string {
  return `${pad(100 - priority, 3)}:${pad(dueAt, TIME_DIGITS)}:${taskId}`;
}

/** Member of the due index: earliest due first. */
export function dueMember(dueAt: number, taskId: string): string {
  return `${pad(dueAt, TIME_DIGITS)}:${taskId}`;
}

/** Upper bound (exclusive) of the due index's members that are due at or before `now`. */
export function dueByBound(now: number): string {
  return `${pad(now, TIME_DIGITS)};`;
}

/** Member of the completed index: most recently completed first. */
export function completedMember(completedAt: number, taskId: string): string {
  return `${pad(LATEST_TIME - completedAt, TIME_DIGITS)}:${taskId}`;
}

export function taskIdOfMember(member: string): string {
  return member.slice(member.lastIndexOf(':') + 1);
}

function pad(n: number, digits: number): string {
  return String(Math.max(0, Math.trunc(n))).padStart(digits, '0');
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
