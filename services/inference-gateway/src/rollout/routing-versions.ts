import type { Routing } from './routing';

/** One model version a routing scores with. */
export interface ModelRef {
  name: string;
  version: string;
}

/** What one shard said of the versions asked: the ones it does not have ready, or why it did not answer. */
export type ShardAnswer = { address: string; missing: ModelRef[] } | { address: string; error: string };

export interface LoadVerdict {
  ready: boolean;
  /** Why not, for logs and the refusal: which versions each shard lacks, or that none is available. */
  problem?: string;
}

/** Every version a routing scores claims with: the primary, the canary's while it has a share, the shadow's. */
export function routingVersions(routing: Routing): string[] {
  const canary = routing.canary && routing.canary.weight > 0 ? [routing.canary.version] : [];
  const shadow = routing.shadowVersion ? [routing.shadowVersion] : [];
  return [...new Set([routing.primaryVersion, ...canary, ...shadow])];
}

/** The student and the teacher of each of those versions (a version names the pair trained together). */
export function routingModels(routing: Routing, student: string, teacher: string): ModelRef[] {
  return routingVersions(routing).flatMap((version) => [
    { name: student, version },
    { name: teacher, version },
  ]);
}

/** Ready when at least one shard answered and every shard that was asked has every version ready. */
export function verdictOf(answers: ShardAnswer[]): LoadVerdict {
  if (answers.length === 0) return { ready: false, problem: 'no Triton shard is available' };
  const problems = answers.flatMap((answer) =>
    'error' in answer
      ? [`${answer.address} did not answer (${answer.error})`]
      : answer.missing.length
        ? [`${answer.missing.map(({ name, version }) => `${name}:${version}`).join(', ')} not ready on ${answer.address}`]
        : [],
  );
  return problems.length ? { ready: false, problem: problems.join('; ') } : { ready: true };
}

export interface WaitOptions {
  /** How long to keep asking after the first answer that is not ready. */
  waitMs: number;
  intervalMs: number;
  /** Ends the wait early (shutdown): the last verdict is returned. */
  signal?: AbortSignal;
  /** Called once, with the first verdict, when it is not ready (the wait begins). */
  onWaiting?: (verdict: LoadVerdict) => void;
}

/** Asks `check` until it says ready or waitMs has passed; the last verdict. */
export async function waitUntilLoaded(check: () => Promise<LoadVerdict>, options: WaitOptions): Promise<LoadVerdict> {
  const deadline = Date.now() + options.waitMs;
  let verdict = await check();
  if (!verdict.ready) options.onWaiting?.(verdict);
  while (!verdict.ready && !options.signal?.aborted && Date.now() < deadline) {
    await pause(Math.min(options.intervalMs, deadline - Date.now()), options.signal);
    if (options.signal?.aborted) break;
    verdict = await check();
  }
  return verdict;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
