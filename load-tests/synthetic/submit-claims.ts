import { GroundTruth } from './ground-truth';
import type { LabelledClaim } from './labelled-claims';

export interface SubmitOptions {
  /** Ingest's base URL, e.g. http://127.0.0.1:3001. */
  ingestUrl: string;
  /** A key with claims:write. */
  apiKey?: string;
  /** Claims per POST /v1/claims/batch (ingest takes at most its MAX_BATCH_SIZE). */
  batchSize?: number;
  /** Gives up on a batch that ingest keeps shedding (429) for longer than this. */
  maxBackoffMs?: number;
  /** Sends batch n with the Idempotency-Key `<idempotencyKey>-<n>` (ingest keeps a record per claim); none when absent. */
  idempotencyKey?: string;
}

/**
 * Posts the requests (only the requests: the truth stays here) to ingest in order, batch after
 * batch, waiting out 429s, and returns the truth keyed by the claimIds ingest answered with
 * (one per claim, in request order).
 */
export async function submitLabelledClaims(
  claims: LabelledClaim[],
  options: SubmitOptions,
): Promise<GroundTruth> {
  const { ingestUrl, apiKey = 'dev-ingest-key', batchSize = 100, maxBackoffMs = 120_000, idempotencyKey } = options;
  const truth = new GroundTruth();
  for (let i = 0; i < claims.length; i += batchSize) {
    const batch = claims.slice(i, i + batchSize);
    const ids = await postBatch(
      `${ingestUrl.replace(/\/$/, '')}/v1/claims/batch`,
      apiKey,
      batch,
      maxBackoffMs,
      idempotencyKey && `${idempotencyKey}-${i / batchSize}`,
    );
    ids.forEach((claimId, k) => truth.set(claimId, { fraud: batch[k].fraud, pattern: batch[k].pattern }));
  }
  return truth;
}

async function postBatch(
  url: string,
  apiKey: string,
  batch: LabelledClaim[],
  maxBackoffMs: number,
  idempotencyKey: string | undefined,
): Promise<string[]> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body: JSON.stringify({ claims: batch.map((c) => c.request) }),
    });
    if (res.status === 429 && Date.now() - started < maxBackoffMs) {
      await res.body?.cancel();
      const seconds = Number(res.headers.get('retry-after') ?? 1);
      await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? seconds : 1) * 1000));
      continue;
    }
    if (res.status !== 202)
      throw new Error(`ingest answered ${res.status} to a batch of ${batch.length}: ${await res.text()}`);
    const body = (await res.json()) as { claims: { claimId: string }[] };
    if (body.claims?.length !== batch.length)
      throw new Error(`ingest answered ${body.claims?.length} ids for ${batch.length} claims`);
    return body.claims.map((c) => c.claimId);
  }
}
