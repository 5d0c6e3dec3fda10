import { randomUUID } from 'node:crypto';
import { claimRequest } from './bad-input/http-corpus';
import { waitFor } from './wait-for';

/** The stages a claim's lineage has once it is decided, in order. */
export const DECIDED_STAGES = ['submitted', 'enriched', 'scored', 'decided'];

/** A claim of a new customer and a new device, valid in every field; override any. */
export function freshClaimRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return claimRequest({ customerId: `cust-${randomUUID().slice(0, 8)}`, serialNumber: `SN-${randomUUID().slice(0, 8)}`, ...overrides });
}

/** POSTs one claim to ingest (at its base URL) with the development key; the claimId of its 202, or an error naming the answer. */
export async function postClaim(ingestUrl: string, body: Record<string, unknown> = freshClaimRequest(), headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${ingestUrl}/v1/claims`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'dev-ingest-key', ...headers },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { claimId: string }).claimId;
}

/** A claim's lineage as audit serves it (GET /v1/lineage/{claimId}). */
export interface Lineage {
  claimId: string;
  stages: { stage: string; eventId: string | null; [field: string]: unknown }[];
  provenance: Record<string, unknown>;
  finalDecision: { action: string; [field: string]: unknown } | null;
}

/** The claim's lineage from audit (at its base URL) with the development auditor key, once every stage of DECIDED_STAGES is in it. */
export async function decidedLineage(auditUrl: string, claimId: string, timeoutMs = 60_000): Promise<Lineage> {
  return waitFor(
    `the complete lineage of ${claimId}`,
    async () => {
      const res = await fetch(`${auditUrl}/v1/lineage/${claimId}`, { headers: { 'x-api-key': 'dev-auditor-key' } });
      if (res.status !== 200) throw new Error(`no lineage yet (HTTP ${res.status})`);
      const lineage = (await res.json()) as Lineage;
      const stages = lineage.stages.map((s) => s.stage);
      if (!DECIDED_STAGES.every((s) => stages.includes(s))) throw new Error(`stages so far: ${stages.join(', ')}`);
      return lineage;
    },
    timeoutMs,
    500,
  );
}
