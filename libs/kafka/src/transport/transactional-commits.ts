import { CommitStrategy, ConsumedOffsets } from './commit-strategy';
import { NativeConsumer, NativeProducer, produce, transactions } from './native-clients';
import type { OutgoingMessage } from './records';
import { TransportMetrics } from './transport-metrics';

/**
 * Exactly-once (EOS v2, KIP-447): one transactional producer for the consumer instance, and
 * one transaction per commit interval over every partition it holds. Outputs and dead letters
 * are produced into the open transaction as polls are handled; the commit sends the consumed
 * offsets with the consumer's group metadata, so a member fenced by a rebalance cannot commit,
 * and ends the transaction. Transactions per second follow the interval, not the load.
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
    if (!this.offsets.isEmpty) await transactions.sendOffsets(this.producer, this.offsets.list(), this.consumer);
    // commitTransaction flushes first: it fails if any record of the transaction was not written.
    await transactions.commit(this.producer);
    timer();
    this.metrics.transactions.inc({ outcome: 'committed' });
    for (const [topic, count] of this.producedByTopic) this.metrics.recordsOut.inc({ topic }, count);
    this.reset();
  }

  async abandon(): Promise<void> {
    if (!this.open) return;
    this.reset();
    // A producer whose abort fails is in an error state; the session that owns it is replaced.
    await transactions.abort(this.producer);
    this.metrics.transactions.inc({ outcome: 'aborted' });
  }

  async close(): Promise<void> {
    await this.abandon();
  }

  private reset(): void {
    this.open = false;
    this.offsets = new ConsumedOffsets();
    this.producedByTopic = new Map();
  }
}
