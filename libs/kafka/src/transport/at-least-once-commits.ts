import type { DeliveryReport, LibrdKafkaError } from '@confluentinc/kafka-javascript';
import { BackoffOptions, backoffDelay } from './backoff';
import { ALWAYS_CONTINUE, CommitControl, CommitStrategy, ConsumedOffsets } from './commit-strategy';
import { ERR, offsetCommitErrorAction } from './kafka-errors';
import { asError, ATTEMPT_TIMEOUT_MS, commitOffsets, NativeConsumer, NativeProducer, produce } from './native-clients';
import type { OutgoingMessage } from './records';
import { withTimeout } from '../with-timeout';
import { TransportMetrics } from './transport-metrics';

/** A poll's outputs on their way to the brokers, and the offsets they complete. */
interface PendingPoll {
  outstanding: number;
  offsets: ConsumedOffsets;
  failure?: Error;
}

/** Between offset commits that failed with a retriable error. */
const RETRY_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 2000, multiplier: 2 };

/**
 * At-least-once: outputs go out as soon as a poll is handled (the producer lingers to batch
 * them), and once per commit interval the consumed offsets are committed, only up to polls
 * whose every output the brokers acknowledged (acks=all). A failed delivery is never committed
 * past: commit() rejects, and the consumer reads again from the last committed offsets.
 *
 * A failed offset commit does not end the session: every output of those offsets is acknowledged
 * already, so a retriable failure (the coordinator moving, a broker-side timeout while a dead
 * broker is still in the offsets topic's ISR, an attempt that took too long) keeps them to be
 * committed again after a backoff, together with the offsets of polls handled since. A failure
 * saying the group no longer knows this member or its generation means a rebalance is under way:
 * the offsets are dropped, and whoever holds the partitions after it reads from the committed ones.
 */
export class AtLeastOnceCommits implements CommitStrategy {
  private polls: PendingPoll[] = [];
  /** Offsets whose commit failed with a retriable error, committed with the next attempt. */
  private carried = new ConsumedOffsets();
  /** Acknowledged outputs by topic, added to the counter once per commit rather than once per record. */
  private deliveredByTopic = new Map<string, number>();
  private oldestAddedAt = 0;
  private records = 0;
  private failedAttempts = 0;
  private retryAt = 0;
  /** The last commit handed to librdkafka, until it settles (it may outlive its attempt). */
  private inFlight: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(
    private readonly producer: NativeProducer,
    private readonly consumer: NativeConsumer,
    private readonly intervalMs: number,
    private readonly metrics: TransportMetrics,
    private readonly control: CommitControl = ALWAYS_CONTINUE,
    private readonly attemptTimeoutMs = ATTEMPT_TIMEOUT_MS,
    private readonly retryBackoff: BackoffOptions = RETRY_BACKOFF,
  ) {
    producer.on('delivery-report', (error: LibrdKafkaError, report: DeliveryReport) => this.delivered(error, report));
  }

  get uncommitted(): number {
    return this.records;
  }

  async add(outputs: OutgoingMessage[], consumed: ConsumedOffsets): Promise<void> {
    if (this.polls.length === 0 && this.carried.isEmpty) this.oldestAddedAt = Date.now();
    const poll: PendingPoll = { outstanding: outputs.length, offsets: consumed };
    this.polls.push(poll);
    this.records += consumed.records;
    for (const message of outputs) {
      const waiting = produce(this.producer, message, poll);
      if (waiting) await waiting;
    }
  }

  dueInMs(now: number): number {
    if (this.polls.length === 0 && this.carried.isEmpty) return Infinity;
    return Math.max(this.oldestAddedAt + this.intervalMs, this.retryAt) - now;
  }

  async commit(): Promise<void> {
    if (this.polls.length === 0 && this.carried.isEmpty) return;
    const timer = this.metrics.commitSeconds.startTimer({ kind: 'offsets' });
    await this.allDelivered();
    for (const [topic, count] of this.deliveredByTopic) this.metrics.recordsOut.inc({ topic }, count);
    this.deliveredByTopic.clear();
    const failure = this.polls.find((poll) => poll.failure)?.failure;
    if (failure) throw failure;
    const offsets = this.carried;
    for (const poll of this.polls) offsets.mergeFrom(poll.offsets);
    this.polls = [];
    this.carried = new ConsumedOffsets();
    if (offsets.isEmpty) {
      this.records = 0;
      return;
    }
    try {
      await this.commitWithin(offsets);
    } catch (error) {
      this.failed(error, offsets);
      return;
    }
    this.records = 0;
    this.failedAttempts = 0;
    this.retryAt = 0;
    timer();
  }

  async abandon(): Promise<void> {
    this.polls = [];
    this.carried = new ConsumedOffsets();
    this.records = 0;
    this.failedAttempts = 0;
    this.retryAt = 0;
  }

  async close(): Promise<void> {
    await this.abandon();
  }

  /** One commit attempt, bounded: librdkafka's own commit can wait far longer for a coordinator. */
  private async commitWithin(offsets: ConsumedOffsets): Promise<void> {
    const deadline = Date.now() + this.attemptTimeoutMs;
    // A commit that outlived its attempt is waited for first, so commits never overtake each other.
    if (this.inFlight) await this.before(deadline, this.inFlight);
    const commit = commitOffsets(this.consumer, offsets.list());
    const settled = commit.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight = settled;
    void settled.then(() => {
      if (this.inFlight === settled) this.inFlight = undefined;
    });
    await this.before(deadline, commit);
  }

  /** `promise`, or a retriable timeout (librdkafka's code for one) once `deadline` has passed. */
  private before<T>(deadline: number, promise: Promise<T>): Promise<T> {
    return withTimeout(promise, Math.max(0, deadline - Date.now()), () =>
      Object.assign(new Error(`offset commit unanswered after ${this.attemptTimeoutMs} ms`), { code: ERR.TIMED_OUT }),
    );
  }

  /** Keeps retriable offsets for the next attempt; drops them when a rebalance is coming; rethrows the rest. */
  private failed(error: unknown, offsets: ConsumedOffsets): void {
    const action = offsetCommitErrorAction(error);
    if (action === 'fatal') throw error;
    this.metrics.commitFailures.inc({ kind: 'offsets', action });
    const message = (error as Error).message;
    if (action === 'rejoin') {
      this.records -= offsets.records;
      this.control.log(`offset commit refused, a rebalance is under way (${message}); the partitions will be read again from the committed offsets`);
      return;
    }
    // Merged under the polls added since at the next attempt: their offsets are later and win.
    this.carried = offsets;
    const delayMs = backoffDelay(this.failedAttempts++, this.retryBackoff);
    this.retryAt = Date.now() + delayMs;
    this.control.log(`offset commit failed (attempt ${this.failedAttempts}), retrying in ${delayMs} ms: ${message}`);
  }

  private delivered(error: LibrdKafkaError | null | undefined, report: DeliveryReport): void {
    const poll = report.opaque as PendingPoll | undefined;
    if (!poll) return;
    if (error) poll.failure ??= asError(error);
    else this.deliveredByTopic.set(report.topic, (this.deliveredByTopic.get(report.topic) ?? 0) + 1);
    poll.outstanding--;
    if (this.drained && this.polls.every((p) => p.outstanding === 0)) {
      const resolve = this.drained;
      this.drained = undefined;
      resolve();
    }
  }

  private allDelivered(): Promise<void> {
    if (this.polls.every((poll) => poll.outstanding === 0)) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }
}
