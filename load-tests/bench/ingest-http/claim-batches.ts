import { syntheticClaims } from '../../demo/synthetic-claims';

/**
 * Ready-to-send POST /v1/claims/batch bodies of `perBatch` claims each, with the demo's
 * variety, serialised once so the load generator spends its CPU on sending. The claims carry
 * no eventId and the requests no Idempotency-Key: every one is a new claim and ingest keeps
 * no idempotency record for it in Redis.
 */
export function claimBatchBodies(batches: number, perBatch: number, seed = 21): string[] {
  const claims = syntheticClaims(batches * perBatch, seed);
  return Array.from({ length: batches }, (_, i) =>
    JSON.stringify({ claims: claims.slice(i * perBatch, (i + 1) * perBatch) }),
  );
}
