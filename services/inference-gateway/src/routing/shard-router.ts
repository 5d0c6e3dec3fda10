import { CircuitBreaker, type BreakerOptions, type BreakerState } from './circuit-breaker';

/** One shard as the router sees it: its address, its breaker and the calls it has out. */
export interface RoutedShard<C> {
  readonly address: string;
  readonly client: C;
  readonly breaker: CircuitBreaker;
  outstanding: number;
}

export interface CallOutcome<T> {
  value: T;
  shard: string;
  /** Shards tried before the one that answered (failed ones). */
  failedOver: string[];
}

/** No shard could take the call: all are ejected or all attempts failed. */
export class NoShardAvailableError extends Error {
  override readonly name = 'NoShardAvailableError';
}

export interface ShardRouterOptions extends BreakerOptions {
  /** Errors that say the request is wrong, not the shard: not retried, no breaker failure. */
  isRequestError?: (error: unknown) => boolean;
  onStateChange?: (address: string, state: BreakerState) => void;
}

/**
 * Sends each call to the healthy shard with the fewest outstanding calls, and when that shard
 * fails, on to the next one, so one dead shard fails no call while another is up. Every
 * shard serves every model here; routing by model is the choice of the shard set passed in.
 */
export class ShardRouter<C> {
  readonly shards: RoutedShard<C>[];
  private rotation = 0;
  private readonly isRequestError: (error: unknown) => boolean;

  constructor(
    clients: { address: string; client: C }[],
    private readonly options: ShardRouterOptions = {},
  ) {
    if (clients.length === 0) throw new RangeError('a shard router needs at least one shard');
    this.shards = clients.map(({ address, client }) => ({ address, client, breaker: new CircuitBreaker(options), outstanding: 0 }));
    this.isRequestError = options.isRequestError ?? (() => false);
  }

  /**
   * The shard for the next call, excluding `tried`: a half-open shard whose probe slot is free
   * first (that call is its probe), else the closed shard with the fewest outstanding calls.
   * Ties rotate: under light load every shard still gets traffic, so a dead one is noticed.
   */
  pick(tried: ReadonlySet<string> = new Set()): RoutedShard<C> | undefined {
    const candidates = this.shards.filter((shard) => !tried.has(shard.address));
    const probe = candidates.find((shard) => shard.breaker.tryStartProbe());
    if (probe) return probe;
    const start = this.rotation++ % Math.max(1, candidates.length);
    let best: RoutedShard<C> | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const shard = candidates[(start + i) % candidates.length];
      if (shard.breaker.isClosed && (!best || shard.outstanding < best.outstanding)) best = shard;
    }
    return best;
  }

  /** Runs `call` on a shard; on a shard failure, retries on each other shard in turn. */
  async call<T>(call: (client: C, address: string) => Promise<T>): Promise<CallOutcome<T>> {
    const tried = new Set<string>();
    const failedOver: string[] = [];
    let lastError: unknown;
    for (let shard = this.pick(tried); shard; shard = this.pick(tried)) {
      tried.add(shard.address);
      shard.outstanding++;
      try {
        const value = await call(shard.client, shard.address);
        this.succeeded(shard);
        return { value, shard: shard.address, failedOver };
      } catch (error) {
        if (this.isRequestError(error)) {
          this.succeeded(shard);
          throw error;
        }
        this.failed(shard);
        failedOver.push(shard.address);
        lastError = error;
      } finally {
        shard.outstanding--;
      }
    }
    const reason = lastError instanceof Error ? `: ${lastError.message}` : ' (all shards ejected)';
    throw new NoShardAvailableError(`no Triton shard could serve the call${reason}`, { cause: lastError });
  }

  /** Feeds the result of an out-of-band health probe (e.g. ServerReady) into a shard's breaker. */
  recordProbe(address: string, healthy: boolean): void {
    const shard = this.shards.find((s) => s.address === address);
    if (!shard) return;
    if (healthy) this.succeeded(shard);
    else this.failed(shard);
  }

  private succeeded(shard: RoutedShard<C>): void {
    const before = shard.breaker.state;
    shard.breaker.recordSuccess();
    if (before !== 'closed') this.options.onStateChange?.(shard.address, 'closed');
  }

  private failed(shard: RoutedShard<C>): void {
    const before = shard.breaker.state;
    shard.breaker.recordFailure();
    const after = shard.breaker.state;
    if (after !== before) this.options.onStateChange?.(shard.address, after);
  }
}
