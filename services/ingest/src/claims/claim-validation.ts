import { Validated, validateAs } from '@claims-mesh/platform';
import { ClaimBatchRequestDto, ClaimRequestDto } from './claim-request.dto';

/** Validates one claim (HTTP body or inbound JSON record); unknown fields are refused too. */
export function validateClaim(input: unknown): Validated<ClaimRequestDto> {
  return validateAs(ClaimRequestDto, input);
}

export function validateClaimBatch(input: unknown, maxClaims: number): Validated<ClaimBatchRequestDto> {
  const claims = (input as { claims?: unknown })?.claims;
  if (Array.isArray(claims) && claims.length > maxClaims) {
    return { ok: false, problems: [{ field: 'claims', problem: `must hold at most ${maxClaims} claims, got ${claims.length}` }] };
  }
  return validateAs(ClaimBatchRequestDto, input);
}
