import type { AuthenticatedRequest } from '@claims-mesh/platform';

/** API-key scopes of the audit API. */
export const SCOPES = {
  read: 'audit:read',
  /** Lets a reader see personal fields unmasked (unless the customer was erased). */
  pii: 'audit:pii',
  erase: 'audit:erase',
} as const;

export function mayReadPii(req: AuthenticatedRequest): boolean {
  return req.caller?.scopes.includes(SCOPES.pii) ?? false;
}
