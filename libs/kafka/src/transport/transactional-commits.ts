import { BackoffOptions, retryTransient } from './backoff';
import { ALWAYS_CONTINUE, CommitControl, CommitStrategy, ConsumedOffsets } from './commit-strategy';
import { offsetCommitErrorAction, transactionErrorAction } from './kafka-errors';
import { ATTEMPT_TIMEOUT_MS, NativeConsumer, NativeProducer, produce, transactions } from './native-clients';
import type { OutgoingMessage } from './records';
import { rewindToCommitted } from './rewind';
import { TransportMetrics } from './transport-metrics';

export interface TransactionRetry {
  /** Between attempts of a transactional call that failed with a retriable error (a broker going away). */
  backoff: BackoffOptions;
  /** How long sendOffsetsToTransaction (or an abort) keeps being retried before the transaction is given up. */
  budgetMs: number;
  /**
   * How long a commitTransaction keeps being resumed before the session is ended. A commit once
   * begun cannot be aborted (librdkafka refuses: "Conflicting commit_transaction API call is already
   * in progress"); it ends by itself within the transaction timeout, committed or abortable.
   */
  commitLimitMs: number;
}

/**
 * The budget stays under the transaction timeout (30 s, consumer-session.ts), past which the
 * coordinator aborts the transaction anyway; a commit gets twice that.
 */
const DEFAULT_RETRY: TransactionRetry = { backoff: { initialMs: 200, maxMs: 2000, multiplier: 2 }, budgetMs: 20_000, commitLimitMs: 60_000 };

/**
 * Exactly-once (EOS v2, KIP-447): one transactional producer for the consumer instance, and
 * one transaction per commit interval over every partition it holds. Outputs and dead letters
 * are produced into the open transaction as polls are handled; the commit sends the consumed
 * offsets with the consumer's group metadata, so a member fenced by a rebalance cannot commit,
 * and ends the transaction. Transactions per second follow the interval, not the load.
 *
 * A failed commit is handled as librdkafka's transactional API documents it, without ending the
 * session (whose replacement would rejoin the group and wait out a rebalance): a retriable error
 * (a coordinator or partition leader that moved, a timed-out attempt) repeats the same call, which
 * librdkafka resumes; an abortable one aborts the transaction and rewinds the consumer to the
 * committed offsets, so the aborted records are handled again in the next transaction; only a
 * fatal error (fenced by a newer instance, or the producer unusable) rejects.
 */
export class TransactionalCommits implements CommitStrategy {
  private open = false;
  private openedAt = 0;
  private offsets = new ConsumedOffsets();
  private producedByTopic = new Map<string, number>();

  constructor(
    private readonly producer: NativeProducer,
    private readonly consumer: NativeConsumer,
    private readonly intervalMs: number,
    private readonly metrics: TransportMetrics,
    private readonly control: CommitControl = ALWAYS_CONTINUE,
    private readonly retry: TransactionRetry = DEFAULT_RETRY,
  ) {}

  get uncommitted(): number {
    return this.offsets.records;
  }

  async add(outputs: OutgoingMessage[], consumed: ConsumedOffsets): Promise<void> {
    if (!this.open) {
      await transactions.begin(this.producer);
      this.open = true;
      this.openedAt = Date.now();
    }
    for (const message of outputs) {
      const waiting = produce(this.producer, message);
      if (waiting) await waiting;
      this.producedByTopic.set(message.topic, (this.producedByTopic.get(message.topic) ?? 0) + 1);
    }
    this.offsets.mergeFrom(consumed);
  }

  dueInMs(now: number): number {
    return this.open ? this.openedAt + this.intervalMs - now : Infinity;
  }

  async commit(): Promise<void> {
    if (!this.open) return;
    const timer = this.metrics.commitSeconds.startTimer({ kind: 'transaction' });
    const offsets = this.offsets.list();
    try {
      if (offsets.length > 0) {
        await this.retrying('sending offsets to the transaction', this.retry.budgetMs, () =>
          transactions.sendOffsets(this.producer, offsets, this.consumer),
        );
      }
    } catch (error) {
      // Fatal, or the session is stopping (close() aborts): the caller ends the session.
      if (transactionErrorAction(error) === 'fatal') throw error;
      // Abortable, or still retriable after the retry budget: the transaction is given up.
      await this.abortAndRewind(error as Error);
      return;
    }
    try {
      // commitTransaction flushes first: it fails if any record of the transaction was not written.
      await this.retrying('committing the transaction', this.retry.commitLimitMs, () => transactions.commit(this.producer));
    } catch (error) {
      // Only an abortable error allows the abort; a commit still in progress must be resumed or dropped with its producer.
      if (transactionErrorAction(error) !== 'abort') throw error;
      await this.abortAndRewind(error as Error);
      return;
    }
    timer();
    this.metrics.transactions.inc({ outcome: 'committed' });
    for (const [topic, count] of this.producedByTopic) this.metrics.recordsOut.inc({ topic }, count);
    this.reset();
  }

  async abandon(): Promise<void> {
    if (!this.open) return;
    this.reset();
    // A producer whose abort fails for good is in an error state; the session that owns it is replaced.
    await this.retrying('aborting the transaction', this.retry.budgetMs, () => transactions.abort(this.producer));
    this.metrics.transactions.inc({ outcome: 'aborted' });
  }

  async close(): Promise<void> {
    await this.abandon();
  }

  /**
   * Aborts the transaction and moves the consumer back to the committed offsets of the partitions
   * it holds: their records since are handled again, into the next transaction. Rejects (ending the
   * session) only if the abort or the rewind cannot be done.
   */
  private async abortAndRewind(cause: Error): Promise<void> {
    this.metrics.commitFailures.inc({ kind: 'transaction', action: 'abort' });
    await this.abandon();
    const positions = await retryTransient(() => rewindToCommitted(this.consumer, ATTEMPT_TIMEOUT_MS), {
      backoff: this.retry.backoff,
      shouldContinue: () => this.control.shouldContinue(),
      isPermanent: (error) => offsetCommitErrorAction(error) !== 'retry',
      onRetry: (error) => this.control.log(`reading the committed offsets to rewind to failed, retrying: ${(error as Error).message}`),
    });
    this.control.log(`transaction aborted (${cause.message}); ${positions.length} partitions rewound to their committed offsets`);
  }

  /** Runs one transactional call, again after each retriable failure, for up to `limitMs`. */
  private retrying<T>(what: string, limitMs: number, call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + limitMs;
    return retryTransient(call, {
      backoff: this.retry.backoff,
      shouldContinue: () => this.control.shouldContinue(),
      isPermanent: (error) => transactionErrorAction(error) !== 'retry' || Date.now() >= deadline,
      onRetry: (error, attempt, delayMs) => {
        this.metrics.commitFailures.inc({ kind: 'transaction', action: 'retry' });
        this.control.log(`${what} failed (attempt ${attempt + 1}), retrying in ${delayMs} ms: ${(error as Error).message}`);
      },
    });
  }

  private reset(): void {
    this.open = false;
    this.offsets = new ConsumedOffsets();
    this.producedByTopic = new Map();
  }
}
