import { ListPosition } from '../decisions/decided-claims';

/** The opaque `cursor` of GET /v1/claims: the position of the last claim of the page before. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.decidedAt, position.claimId])).toString('base64url');
}

/** The position a cursor stands for, or undefined for a string that is not one of ours. */
export function decodeCursor(cursor: string): ListPosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [decidedAt, claimId] = parsed as unknown[];
  if (!Number.isSafeInteger(decidedAt) || typeof claimId !== 'string' || !claimId) return undefined;
  return { decidedAt: decidedAt as number, claimId };
}
