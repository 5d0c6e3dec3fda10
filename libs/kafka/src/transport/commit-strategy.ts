import type { TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { OutgoingMessage } from './records';

/**
 * How a consumer makes a poll's effects durable and commits what it consumed, once per
 * commit interval over all the partitions it holds: in a Kafka transaction (exactly-once)
 * or by committing offsets whose outputs the brokers acknowledged (at-least-once).
 */
export interface CommitStrategy {
  /** Records consumed and handled whose offsets are not committed yet. */
  readonly uncommitted: number;
  /** Produces a poll's outputs and takes the offsets they complete, to commit with the next commit. */
  add(outputs: OutgoingMessage[], consumed: ConsumedOffsets): Promise<void>;
  /** Milliseconds until the commit interval of the oldest uncommitted record has passed: <= 0 when due, Infinity with nothing to commit. */
  dueInMs(now: number): number;
  /** Makes everything added durable and commits its offsets; rejects if that cannot be done. */
  commit(): Promise<void>;
  /** Drops what is not committed: the consumer must read again from the committed offsets. */
  abandon(): Promise<void>;
  close(): Promise<void>;
}

/** What a commit strategy needs from its session to retry a failed commit in place. */
export interface CommitControl {
  /** False once the session is stopping: a commit that fails then is not retried. */
  shouldContinue(): boolean;
  log(message: string): void;
}

export const ALWAYS_CONTINUE: CommitControl = { shouldContinue: () => true, log: () => undefined };

/** The next offset to read per partition, after the records a poll handled. */
export class ConsumedOffsets {
  private readonly next = new Map<string, TopicPartitionOffset>();
  records = 0;

  /** Called in consume order, so a later record of a partition always moves its offset forward. */
  consumed(topic: string, partition: number, offset: number): void {
    const key = `${topic}\u0000${partition}`;
    const entry = this.next.get(key);
    if (entry) entry.offset = offset + 1;
    else this.next.set(key, { topic, partition, offset: offset + 1 });
    this.records++;
  }

  mergeFrom(other: ConsumedOffsets): void {
    for (const [key, entry] of other.next) this.next.set(key, { ...entry });
    this.records += other.records;
  }

  list(): TopicPartitionOffset[] {
    return [...this.next.values()];
  }

  get isEmpty(): boolean {
    return this.next.size === 0;
  }
}
