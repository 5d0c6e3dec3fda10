import type { Assignment, LibrdKafkaError, Message } from '@confluentinc/kafka-javascript';
import { KafkaConnectionOptions, librdkafkaConfig, PRODUCER_DEFAULTS } from '../connection';
import { AtLeastOnceCommits } from './at-least-once-commits';
import { RetryControl } from './backoff';
import { BatchOutputs } from './batch-outputs';
import { BatchWatch } from './batch-watch';
import { CommitControl, CommitStrategy, ConsumedOffsets } from './commit-strategy';
import { connectConsumer, connectProducer, consume, disconnect, NativeConsumer, NativeProducer, transactions } from './native-clients';
import { Handler, RecordRunner } from './record-runner';
import { TransactionalCommits } from './transactional-commits';
import { TransportMetrics } from './transport-metrics';

export interface SessionSettings {
  connection: KafkaConnectionOptions;
  groupId: string;
  /** Exactly-once: the transactional producer's id, stable per consumer instance. At-least-once when absent. */
  transactionalId?: string;
  /**
   * Static membership (KIP-345): a restarted instance with the same id takes its partitions back
   * without a rebalance. Such a member does not leave the group when it closes: its partitions wait
   * for its return, or for the session timeout.
   */
  groupInstanceId?: string;
  commitIntervalMs: number;
  fetchWaitMs: number;
  fetchMinBytes: number;
  /** Most records one poll hands to the handlers. */
  maxPollRecords: number;
  /** Uncommitted records past which consumption pauses until a commit. */
  maxUncommittedRecords: number;
  sessionTimeoutMs: number;
  /** Where a partition with nothing committed starts. */
  startAt: 'earliest' | 'latest';
}

export interface SessionParts {
  handlers: Map<string, Handler>;
  runner: RecordRunner;
  metrics: TransportMetrics;
  batchWatch: BatchWatch;
  retryControl: (topic: string) => RetryControl;
  log: (message: string) => void;
}

const ASSIGN_PARTITIONS = -175;
const REVOKE_PARTITIONS = -174;
/**
 * How long consumption may stay paused on commits that keep failing retriably before the session
 * gives up and a new one starts (rejoining the group, reading from the committed offsets). Longer
 * than a broker's failover; a rebalance is not served while paused.
 */
const HELD_COMMIT_LIMIT_MS = 60_000;
/** How long an idle poll waits for a first record before the loop looks at its commit interval again. */
const IDLE_POLL_MS = 100;

/**
 * One consumer group membership with its producer: polls records across every partition the
 * member holds, runs them through the handlers, hands the outputs to the commit strategy and
 * commits once per interval. On a rebalance the revoked work is committed (or aborted, if the
 * partitions were lost) before the partitions are given up. A failure it cannot handle in
 * place ends run() with the error; the transport then starts a new session, which reads
 * again from the committed offsets.
 */
export class ConsumerSession {
  private stopping = false;
  private revokeRequested = false;
  private loop: Promise<void> | undefined;

  private constructor(
    private readonly consumer: NativeConsumer,
    private readonly producer: NativeProducer,
    private readonly strategy: CommitStrategy,
    private readonly settings: SessionSettings,
    private readonly parts: SessionParts,
  ) {}

  static async open(settings: SessionSettings, parts: SessionParts): Promise<ConsumerSession> {
    const connection = librdkafkaConfig(settings.connection);
    // The rebalance callback is registered with the consumer, before the session that handles it exists.
    const rebalances: { session?: ConsumerSession } = {};
    const producer = await connectProducer({
      ...connection,
      ...PRODUCER_DEFAULTS,
      ...(settings.transactionalId
        ? {
            'transactional.id': settings.transactionalId,
            'transaction.timeout.ms': TRANSACTION_TIMEOUT_MS,
            // Nobody reads a transaction's records before its commit, and the commit flushes them:
            // lingering for the whole interval costs no latency and sends one produce request per
            // partition leader per transaction instead of one per 5 ms.
            'linger.ms': settings.commitIntervalMs,
          }
        : { dr_cb: true }),
    });
    producer.setPollInBackground(true);
    let consumer: NativeConsumer;
    try {
      if (settings.transactionalId) await transactions.init(producer);
      consumer = await connectConsumer({
        ...connection,
        'group.id': settings.groupId,
        ...(settings.groupInstanceId ? { 'group.instance.id': settings.groupInstanceId } : {}),
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': 'read_committed',
        'session.timeout.ms': settings.sessionTimeoutMs,
        'heartbeat.interval.ms': Math.min(3000, Math.floor(settings.sessionTimeoutMs / 3)),
        // The prefetch queue per partition: enough for batches to grow under load, bounded in memory.
        'queued.max.messages.kbytes': 8192,
        'fetch.wait.max.ms': settings.fetchWaitMs,
        'fetch.min.bytes': settings.fetchMinBytes,
        rebalance_cb: (error: LibrdKafkaError, assignment: Assignment[]) => rebalances.session?.onRebalance(error, assignment),
      }, { 'auto.offset.reset': settings.startAt });
    } catch (error) {
      await disconnect(producer).catch(() => undefined);
      throw error;
    }
    consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
    const control: CommitControl = { shouldContinue: () => !rebalances.session?.closing, log: parts.log };
    const strategy: CommitStrategy = settings.transactionalId
      ? new TransactionalCommits(producer, consumer, settings.commitIntervalMs, parts.metrics, control)
      : new AtLeastOnceCommits(producer, consumer, settings.commitIntervalMs, parts.metrics, control);
    const session = new ConsumerSession(consumer, producer, strategy, settings, parts);
    rebalances.session = session;
    consumer.subscribe([...parts.handlers.keys()]);
    return session;
  }

  /** Once close() is called: the commit strategy stops retrying a failed commit then. */
  get closing(): boolean {
    return this.stopping;
  }

  /** Runs until stop() (resolves) or a failure (rejects). */
  run(): Promise<void> {
    this.loop ??= this.pollLoop();
    return this.loop;
  }

  /** Ends the loop after the poll in hand, commits what it handled, and leaves the group. */
  async close(): Promise<void> {
    this.stopping = true;
    const ended = await (this.loop ?? Promise.resolve()).then(
      () => true,
      () => false,
    );
    try {
      if (ended) await this.strategy.commit();
      else await this.strategy.abandon();
    } catch (error) {
      this.parts.log(`could not commit on close, the uncommitted records will be read again: ${(error as Error).message}`);
      await this.strategy.abandon().catch(() => undefined);
    }
    await this.strategy.close().catch(() => undefined);
    await disconnect(this.consumer).catch(() => undefined);
    await disconnect(this.producer).catch(() => undefined);
  }

  private async pollLoop(): Promise<void> {
    const { maxPollRecords, maxUncommittedRecords } = this.settings;
    while (!this.stopping) {
      if (this.revokeRequested) await this.giveUpPartitions();
      let dueInMs = this.strategy.dueInMs(Date.now());
      if (dueInMs <= 0) {
        await this.strategy.commit();
        dueInMs = IDLE_POLL_MS;
      }
      // An idle poll returns by the time the open work is due, so a lone record's commit is not late.
      this.consumer.setDefaultConsumeTimeout(Math.max(1, Math.min(IDLE_POLL_MS, dueInMs)));
      const messages = await consume(this.consumer, maxPollRecords);
      if (messages.length > 0 && !this.stopping) await this.handle(messages);
      if (this.strategy.uncommitted >= maxUncommittedRecords) await this.pausedUntilCommitted();
    }
  }

  private async handle(messages: Message[]): Promise<void> {
    const { handlers, runner, batchWatch, metrics } = this.parts;
    // One call per handler method: a batch handler declared for several topics gets all of them at
    // once. Nest registers a handler per topic, but the topics of one @EventPattern share its extras.
    const byMethod = new Map<object, { handler: Handler; messages: Message[] }>();
    const partitions = new Map<string, Message>();
    for (const message of messages) {
      const handler = handlers.get(message.topic);
      if (!handler) continue;
      const method = handler.extras?.batch ? handler.extras : handler;
      const group = byMethod.get(method);
      if (group) group.messages.push(message);
      else byMethod.set(method, { handler, messages: [message] });
      const partition = `${message.topic}/${message.partition}`;
      if (!partitions.has(partition)) {
        partitions.set(partition, message);
        batchWatch.started(message.topic, message.partition);
      }
    }
    const outputs = new BatchOutputs();
    try {
      await Promise.all(
        [...byMethod.values()].map(({ handler, messages: list }) => runner.run(handler, list, outputs, this.parts.retryControl(list[0].topic))),
      );
    } finally {
      for (const { topic, partition } of partitions.values()) batchWatch.finished(topic, partition);
    }
    const consumed = new ConsumedOffsets();
    const inByTopic = new Map<string, number>();
    for (const message of messages) {
      consumed.consumed(message.topic, message.partition, message.offset);
      inByTopic.set(message.topic, (inByTopic.get(message.topic) ?? 0) + 1);
    }
    for (const [topic, count] of inByTopic) metrics.recordsIn.inc({ topic }, count);
    await this.strategy.add(outputs.messages, consumed);
  }

  /**
   * Bounds the records held uncommitted: no fetching until a commit brings them under the bound. A
   * commit that failed and will be retried (a broker going away) leaves them held: the partitions
   * stay paused and the commit is tried again when due.
   */
  private async pausedUntilCommitted(): Promise<void> {
    const { metrics } = this.parts;
    const { maxUncommittedRecords } = this.settings;
    const assigned = this.consumer.assignments();
    this.consumer.pause(assigned);
    metrics.pausedPartitions.set(1);
    metrics.pauses.inc();
    try {
      const giveUpAt = Date.now() + HELD_COMMIT_LIMIT_MS;
      await this.strategy.commit();
      while (this.strategy.uncommitted >= maxUncommittedRecords && !this.stopping) {
        if (Date.now() > giveUpAt) throw new Error(`no commit succeeded for ${HELD_COMMIT_LIMIT_MS / 1000} s with ${this.strategy.uncommitted} records held`);
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(1000, this.strategy.dueInMs(Date.now())))));
        await this.strategy.commit();
      }
    } finally {
      this.consumer.resume(assigned);
      metrics.pausedPartitions.set(0);
    }
  }

  /**
   * librdkafka's rebalance callback, on the JS thread. Partitions are assigned at once; a
   * revocation is left to the poll loop, which commits the work in hand first (librdkafka
   * holds the rebalance until unassign() is called).
   */
  private onRebalance(error: LibrdKafkaError, assignment: Assignment[]): void {
    if (error.code === ASSIGN_PARTITIONS) {
      this.consumer.assign(assignment);
      this.parts.log(`assigned ${assignment.map((a) => `${a.topic}/${a.partition}`).join(', ') || 'no partitions'}`);
    } else if (error.code === REVOKE_PARTITIONS) {
      this.revokeRequested = true;
      if (this.stopping || !this.loop) void this.giveUpPartitions();
    } else {
      this.parts.log(`rebalance failed: ${error.message}`);
    }
  }

  private async giveUpPartitions(): Promise<void> {
    if (!this.revokeRequested) return;
    this.revokeRequested = false;
    try {
      if (this.consumer.assignmentLost()) await this.strategy.abandon();
      else await this.strategy.commit();
    } catch (error) {
      this.parts.log(`could not commit before giving up partitions, they will be read again: ${(error as Error).message}`);
      await this.strategy.abandon().catch(() => undefined);
    }
    this.consumer.unassign();
  }
}

/**
 * Longer than any commit interval and handler retry a healthy member needs; a member that
 * crashed mid-transaction blocks read_committed readers of its outputs for at most this long
 * (or until its successor with the same transactional id starts).
 */
const TRANSACTION_TIMEOUT_MS = 30_000;
