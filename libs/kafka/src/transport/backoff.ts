export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 10_000, multiplier: 2 };

/** Delay before retry number `attempt` (0-based): exponential, capped, with ±20% jitter so retries spread out. */
export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random): number {
  const exponential = options.initialMs * options.multiplier ** attempt;
  const capped = Math.min(options.maxMs, exponential);
  return Math.round(capped * (0.8 + 0.4 * random()));
}

export class StoppedError extends Error {
  override readonly name = 'StoppedError';
}

export interface RetryControl {
  backoff: BackoffOptions;
  /** Whether to keep retrying; false once the consumer is stopping. */
  shouldContinue(): boolean;
  /** Errors that retrying cannot fix: rethrown at once. */
  isPermanent(error: unknown): boolean;
  onRetry(error: unknown, attempt: number, delayMs: number): void;
}

/**
 * Runs `operation` until it succeeds, waiting longer after each transient failure. A
 * transient error never drops the record: the partition waits instead
 * (librdkafka keeps the group membership alive from its own thread meanwhile).
 * `firstFailure` is the error of an attempt the caller already made, so it is not repeated at once.
 */
export async function retryTransient<T>(operation: () => Promise<T>, control: RetryControl, firstFailure?: { error: unknown }): Promise<T> {
  let attempt = 0;
  let failure = firstFailure;
  for (;;) {
    if (failure) {
      const { error } = failure;
      if (control.isPermanent(error)) throw error;
      if (!control.shouldContinue()) throw new StoppedError(`stopped while retrying: ${(error as Error).message}`);
      const delayMs = backoffDelay(attempt, control.backoff);
      control.onRetry(error, attempt, delayMs);
      await sleepUnlessStopped(delayMs, control);
      attempt++;
    }
    try {
      return await operation();
    } catch (error) {
      failure = { error };
    }
  }
}

/** Sleeps in steps of at most a second, so a stop does not wait out a long backoff. */
async function sleepUnlessStopped(ms: number, control: RetryControl): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && control.shouldContinue()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, deadline - Date.now())));
  }
}
