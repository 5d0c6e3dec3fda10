import type { DeliveryReport, LibrdKafkaError } from '@confluentinc/kafka-javascript';
import { CommitStrategy, ConsumedOffsets } from './commit-strategy';
import { asError, NativeConsumer, NativeProducer, produce } from './native-clients';
import type { OutgoingMessage } from './records';
import { TransportMetrics } from './transport-metrics';

/** A poll's outputs on their way to the brokers, and the offsets they complete. */
interface PendingPoll {
  outstanding: number;
  offsets: ConsumedOffsets;
  failure?: Error;
}

/**
 * At-least-once: outputs go out as soon as a poll is handled (the producer lingers to batch
 * them), and once per commit interval the consumed offsets are committed, only up to polls
 * whose every output the brokers acknowledged (acks=all). A failed delivery is never committed
 * past: commit() rejects, and the consumer reads again from the last committed offsets.
 */
export class AtLeastOnceCommits implements CommitStrategy {
  private polls: PendingPoll[] = [];
  /** Acknowledged outputs by topic, added to the counter once per commit rather than once per record. */
  private deliveredByTopic = new Map<string, number>();
  private oldestAddedAt = 0;
  private records = 0;
  private drained: (() => void) | undefined;

  constructor(
    private readonly producer: NativeProducer,
    private readonly consumer: NativeConsumer,
    private readonly intervalMs: number,
    private readonly metrics: TransportMetrics,
  ) {
    producer.on('delivery-report', (error: LibrdKafkaError, report: DeliveryReport) => this.delivered(error, report));
  }

  get uncommitted(): number {
    return this.records;
  }

  async add(outputs: OutgoingMessage[], consumed: ConsumedOffsets): Promise<void> {
    if (this.polls.length === 0) this.oldestAddedAt = Date.now();
    const poll: PendingPoll = { outstanding: outputs.length, offsets: consumed };
    this.polls.push(poll);
    this.records += consumed.records;
    for (const message of outputs) {
      const waiting = produce(this.producer, message, poll);
      if (waiting) await waiting;
    }
  }

  dueInMs(now: number): number {
    return this.polls.length > 0 ? this.oldestAddedAt + this.intervalMs - now : Infinity;
  }

  async commit(): Promise<void> {
    if (this.polls.length === 0) return;
    const timer = this.metrics.commitSeconds.startTimer({ kind: 'offsets' });
    await this.allDelivered();
    for (const [topic, count] of this.deliveredByTopic) this.metrics.recordsOut.inc({ topic }, count);
    this.deliveredByTopic.clear();
    const failure = this.polls.find((poll) => poll.failure)?.failure;
    if (failure) throw failure;
    const offsets = new ConsumedOffsets();
    for (const poll of this.polls) offsets.mergeFrom(poll.offsets);
    this.polls = [];
    this.records = 0;
    if (!offsets.isEmpty) this.consumer.commitSync(offsets.list());
    timer();
  }

  async abandon(): Promise<void> {
    this.polls = [];
    this.records = 0;
  }

  async close(): Promise<void> {
    await this.abandon();
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
