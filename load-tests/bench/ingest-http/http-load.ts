import { percentile } from '../kafka-hop/load';

export interface HttpLoadSettings {
  url: string;
  headers: Record<string, string>;
  /** Request bodies, sent in turn; each carries `claimsPerBody` claims. */
  bodies: string[];
  claimsPerBody: number;
  connections: number;
  seconds: number;
}

export interface HttpLoadResult {
  seconds: number;
  requests: number;
  accepted: number;
  claimsPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by HTTP status, and network failures under "error". */
  statuses: Record<string, number>;
  tooManyRequests: number;
  errors: number;
  firstError?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closed-loop load for `seconds`: `connections` workers, each POSTing the next body as soon
 * as its last answer arrived, over Node's fetch (undici: keep-alive, one connection per busy
 * worker). Answers arriving after the end are not counted; a 429 is honoured by waiting its
 * Retry-After, as a client should.
 */
export async function runHttpLoad(settings: HttpLoadSettings): Promise<HttpLoadResult> {
  const measureUntil = Date.now() + settings.seconds * 1000;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  let firstError: string | undefined;

  const worker = async () => {
    while (Date.now() < measureUntil) {
      const body = settings.bodies[next++ % settings.bodies.length];
      const started = performance.now();
      let status: string;
      let retryAfterMs = 0;
      try {
        const res = await fetch(settings.url, { method: 'POST', headers: settings.headers, body });
        const text = await res.text();
        status = String(res.status);
        if (res.status === 429) retryAfterMs = Number(res.headers.get('retry-after') ?? 1) * 1000;
        else if (res.status !== 202) firstError ??= `${res.status} ${text.slice(0, 300)}`;
      } catch (error) {
        status = 'error';
        firstError ??= (error as Error).message;
      }
      if (Date.now() <= measureUntil) {
        latencies.push(performance.now() - started);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      if (retryAfterMs) await sleep(retryAfterMs);
    }
  };
  await Promise.all(Array.from({ length: settings.connections }, worker));

  latencies.sort((a, b) => a - b);
  const accepted = statuses['202'] ?? 0;
  const requests = latencies.length;
  return {
    seconds: settings.seconds,
    requests,
    accepted,
    claimsPerSecond: (accepted * settings.claimsPerBody) / settings.seconds,
    requestsPerSecond: requests / settings.seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? NaN,
    statuses,
    tooManyRequests: statuses['429'] ?? 0,
    errors: requests - accepted - (statuses['429'] ?? 0),
    firstError,
  };
}
