import { randomUUID } from 'node:crypto';
import { syntheticClaims } from '../demo/synthetic-claims';

const BATCH = 250;

export interface SenderOptions {
  ingestUrl: () => string;
  claims: number;
  /** At most this many claims per second, on average from the start (none: as fast as the mesh takes them). */
  rate?: number;
  /** Resolves when the mesh has room for more claims in flight (the run paces sending by decisions). */
  whenRoom: () => Promise<void>;
  onAccepted: (acceptedSoFar: number) => void;
}

export interface SendResult {
  /** The claim ids ingest accepted (202), each exactly once. */
  claimIds: string[];
  /** Requests that failed (connection refused or reset, 409, 5xx) and were sent again. */
  retries: number;
  /** 429 answers (shed load), waited out for their Retry-After. */
  shed: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts synthetic claims to ingest in batches. Every claim carries its own eventId and claimId,
 * so a batch sent again after ingest died mid-request is the same submission: ingest answers it
 * from its idempotency record, or publishes the same ids again for the mesh to absorb. A batch is
 * retried until ingest accepts it, so every claim is sent; none is given up on.
 */
export async function sendClaims(options: SenderOptions): Promise<SendResult> {
  const claims = syntheticClaims(options.claims).map((claim) => ({ ...claim, eventId: randomUUID(), claimId: randomUUID() }));
  const result: SendResult = { claimIds: [], retries: 0, shed: 0 };
  const started = Date.now();
  for (let i = 0; i < claims.length; i += BATCH) {
    await options.whenRoom();
    if (options.rate) await sleep(Math.max(0, started + (i / options.rate) * 1000 - Date.now()));
    const batch = claims.slice(i, i + BATCH);
    for (;;) {
      const answer = await post(options.ingestUrl(), batch);
      if (answer.status === 202) break;
      if (answer.status === 429) {
        result.shed++;
        await sleep(answer.retryAfterS * 1000);
      } else if (answer.status === 0 || answer.status === 409 || answer.status >= 500) {
        result.retries++;
        await sleep(500);
      } else {
        throw new Error(`ingest refused a batch of good claims: ${answer.status} ${answer.body}`);
      }
    }
    result.claimIds.push(...batch.map((c) => c.claimId));
    options.onAccepted(result.claimIds.length);
  }
  return result;
}

async function post(ingestUrl: string, claims: Record<string, unknown>[]): Promise<{ status: number; retryAfterS: number; body: string }> {
  try {
    const res = await fetch(`${ingestUrl}/v1/claims/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-ingest-key' },
      body: JSON.stringify({ claims }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, retryAfterS: Number(res.headers.get('retry-after') ?? 1), body: await res.text() };
  } catch (error) {
    // The process died or restarts: no answer at all.
    return { status: 0, retryAfterS: 0, body: (error as Error).message };
  }
}
