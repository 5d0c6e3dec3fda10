import type { EofEvent, LibrdKafkaError, Message, Metadata } from '@confluentinc/kafka-javascript';
import { KafkaConnectionOptions, librdkafkaConfig } from '../connection';
import { backoffDelay, DEFAULT_BACKOFF } from '../transport/backoff';
import { asError, connectConsumer, consume, disconnect, NativeConsumer } from '../transport/native-clients';
import { KeyedTable, TableChange } from './keyed-table';

export interface CompactedTopicTableOptions<V> {
  connection: KafkaConnectionOptions;
  topic: string;
  /** A record's value as the table keeps it; throws RefusedRecord for bytes that can never be used (the key keeps its value). */
  read(value: Buffer, key: string): V | Promise<V>;
  /** Every record's effect, in offset order, once applied. */
  onChange(change: TableChange<V>): void;
  /** A failure that is being retried: the cluster unreachable, the topic missing, the reader's transient error. */
  onRetry?(error: Error, delayMs: number): void;
}

/** librdkafka's logical offset of a partition's first record. */
const OFFSET_BEGINNING = -2;
/** How long one consume waits for a first record: what a close waits at most. */
const CONSUME_WAIT_MS = 500;
/** Records of a control topic are few: a new one is applied within this fetch wait instead of librdkafka's 500 ms. */
const FETCH_WAIT_MS = 100;

/**
 * Follows a compacted topic as a table (KeyedTable): every partition assigned from its first
 * record, no consumer group (nothing to commit: every instance reads the whole topic, and reads
 * it again after a restart), then kept following for new records. caughtUp() tells when the
 * records that were in the topic at start have all been applied, through librdkafka's
 * partition-end events, so a reader can wait for the table to be current before using it.
 * A lost connection is retried with backoff and resumes after the last applied record.
 */
export class CompactedTopicTable<V> {
  private readonly table: KeyedTable<V>;
  /** Next offset to read per partition, for a session that resumes after a failure. */
  private readonly positions = new Map<number, number>();
  private readonly atEnd = new Set<number>();
  private partitions: number[] | undefined;
  private closed = false;
  private markCaughtUp!: () => void;
  private readonly caughtUpOnce = new Promise<void>((resolve) => (this.markCaughtUp = resolve));
  private readonly following: Promise<void>;

  private constructor(private readonly options: CompactedTopicTableOptions<V>) {
    this.table = new KeyedTable(options.read);
    this.following = this.follow();
  }

  /** Starts reading the topic in the background. */
  static open<V>(options: CompactedTopicTableOptions<V>): CompactedTopicTable<V> {
    return new CompactedTopicTable(options);
  }

  get(key: string): V | undefined {
    return this.table.get(key);
  }

  entries(): [string, V][] {
    return this.table.entries();
  }

  /** True once every record that was in the topic when it was opened is applied; false if `timeoutMs` passes first. */
  async caughtUp(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.caughtUpOnce.then(() => true as const), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.following;
  }

  private async follow(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.session();
      } catch (error) {
        if (this.closed) return;
        const delayMs = backoffDelay(attempt, DEFAULT_BACKOFF);
        this.options.onRetry?.(asError(error), delayMs);
        await this.sleep(delayMs);
      }
    }
  }

  /** One consumer's life: connect, assign, apply records until closed or until it fails. */
  private async session(): Promise<void> {
    const { connection, topic } = this.options;
    const consumer = await connectConsumer(
      {
        ...librdkafkaConfig({ ...connection, clientId: `${connection.clientId}-table` }),
        // librdkafka wants one on every consumer; with assign() and no commits the group is never joined.
        'group.id': `${connection.clientId}-table-${topic}`,
        'enable.auto.commit': false,
        'enable.partition.eof': true,
        'fetch.wait.max.ms': FETCH_WAIT_MS,
      },
      { 'auto.offset.reset': 'earliest' },
    );
    try {
      this.partitions = await partitionsOf(consumer, topic);
      consumer.on('partition.eof', (eof: EofEvent) => this.atEnd.add(eof.partition));
      consumer.assign(this.partitions.map((partition) => ({ topic, partition, offset: this.positions.get(partition) ?? OFFSET_BEGINNING })));
      consumer.setDefaultConsumeTimeout(CONSUME_WAIT_MS);
      consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
      while (!this.closed) {
        for (const message of await consume(consumer, 100)) await this.applyUntilDone(message);
        // A partition's end event comes after its records of the same consume: all are applied now.
        if (this.partitions.every((partition) => this.atEnd.has(partition))) this.markCaughtUp();
      }
    } finally {
      await disconnect(consumer).catch(() => undefined);
    }
  }

  /** Applies a record, retrying the reader's transient failures (a registry outage) in place, so no record is skipped. */
  private async applyUntilDone(message: Message): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const change = await this.table.apply(message);
        this.positions.set(message.partition, message.offset + 1);
        this.options.onChange(change);
        return;
      } catch (error) {
        const delayMs = backoffDelay(attempt, DEFAULT_BACKOFF);
        this.options.onRetry?.(asError(error), delayMs);
        await this.sleep(delayMs);
      }
    }
  }

  /** Sleeps in steps of at most CONSUME_WAIT_MS, so a close does not wait out a long backoff. */
  private async sleep(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(CONSUME_WAIT_MS, deadline - Date.now())));
    }
  }
}

function partitionsOf(consumer: NativeConsumer, topic: string): Promise<number[]> {
  return new Promise((resolve, reject) =>
    consumer.getMetadata({ topic, timeout: 5000 }, (error: LibrdKafkaError, metadata: Metadata) => {
      if (error) return reject(asError(error));
      const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.map((p) => p.id) ?? [];
      if (partitions.length === 0) return reject(new Error(`${topic} has no partitions: is the topic created (make topics)?`));
      resolve(partitions.sort((a, b) => a - b));
    }),
  );
}
