export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. Default 3. */
  failureThreshold?: number;
  /** How long an open breaker keeps the shard out before one probe may try it. Default 2000. */
  cooldownMs?: number;
  now?: () => number;
}

/**
 * Keeps a failing shard out of rotation: `failureThreshold` consecutive failures open it;
 * after `cooldownMs` it lets exactly one probe through (half-open); the probe's success
 * closes it, its failure opens it for another cool-down.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private current: BreakerState = 'closed';
  private probing = false;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(options: BreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 3;
    this.cooldownMs = options.cooldownMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.cooldownMs) this.current = 'half-open';
    return this.current;
  }

  /** Whether ordinary traffic may go to the shard. */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Claims the single probe of a half-open breaker; false if not half-open or a probe is out. */
  tryStartProbe(): boolean {
    if (this.state !== 'half-open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.probing = false;
    this.current = 'closed';
  }

  recordFailure(): void {
    this.failures++;
    const probeFailed = this.probing || this.state === 'half-open';
    this.probing = false;
    if (probeFailed || this.failures >= this.threshold) {
      this.current = 'open';
      this.openedAt = this.now();
    }
  }
}
