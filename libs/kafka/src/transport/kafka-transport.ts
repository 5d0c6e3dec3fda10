import { hostname } from 'node:os';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { AvroSerde } from '@claims-mesh/contracts';
import type { Message } from '@confluentinc/kafka-javascript';
import { Registry } from 'prom-client';
import { KafkaConnectionOptions } from '../connection';
import { withTimeout } from '../with-timeout';
import { BackoffOptions, backoffDelay, DEFAULT_BACKOFF, RetryControl } from './backoff';
import { BatchOutputs } from './batch-outputs';
import { BatchWatch, StalledBatch } from './batch-watch';
import { ConsumerLagMonitor } from './consumer-lag-monitor';
import { ConsumerSession } from './consumer-session';
import { deadLetterOf } from './dead-letter';
import { Handler, isPermanent, RecordRunner } from './record-runner';
import { headersOf } from './records';
import { ensureW3CPropagation } from './trace-context';
import { TransportMetrics } from './transport-metrics';

export type { HandlerExtras } from './record-runner';

export interface KafkaTransportOptions {
  connection: KafkaConnectionOptions;
  serde: AvroSerde;
  /** Consumer group, and the prefix of the transactional id. Usually the service name. */
  groupId: string;
  /** Named in dead-letter headers. */
  service: string;
  metrics: Registry;
  /**
   * Consume-transform-produce in Kafka transactions (EOS v2): a commit interval's outputs, dead
   * letters and consumed offsets commit atomically, so a crash never duplicates an output.
   */
  transactional?: boolean;
  /** How often consumed work is committed (KAFKA_COMMIT_INTERVAL_MS); 100 ms as Kafka Streams under exactly-once. */
  commitIntervalMs?: number;
  /**
   * How long the broker may hold a fetch to gather `fetchMinBytes` (fetch.wait.max.ms): under
   * load fetches fill at once and batches grow; a lone record waits at most this long per hop.
   */
  fetchWaitMs?: number;
  /** Bytes a fetch waits for (fetch.min.bytes); fewer fetch requests per record as the load grows. */
  fetchMinBytes?: number;
  /** Most records one poll hands to the handlers, across partitions. */
  maxPollRecords?: number;
  /** Records held uncommitted before consumption pauses until a commit. */
  maxInFlightRecords?: number;
  /**
   * Tells this consumer instance from the group's others: the transactional id is
   * `<groupId>.<instanceId>`, so a restarted instance fences its predecessor's open transaction
   * at once. The host name by default (one instance per host or pod); replicas on one host need their own.
   * Given explicitly (KAFKA_INSTANCE_ID), it is also the consumer's static group membership
   * (group.instance.id, KIP-345): a restarted instance gets its partitions back at once instead of
   * after a rebalance that waits out its predecessor's session. Only then, since two consumers of one
   * group with the same id fence each other, and the host name does not tell apart two instances
   * started on one machine (as tests do).
   */
  instanceId?: string;
  backoff?: BackoffOptions;
  /** How often the group's lag is read from the brokers for `kafka_consumer_lag`. */
  lagPollIntervalMs?: number;
  /** How long shutdown waits for the poll in hand and its commit before giving up (uncommitted). */
  shutdownTimeoutMs?: number;
  sessionTimeoutMs?: number;
  /**
   * Where a group with nothing committed starts (auto.offset.reset): `earliest` for a hop that owes
   * every record an output; `latest` for an observer that only cares what happens from now on.
   */
  startAt?: 'earliest' | 'latest';
}

/**
 * NestJS transport over librdkafka. Services write `@EventPattern('claims.enriched.v1')`
 * handlers that receive decoded records and return records to produce; the transport keeps
 * one consumer session going (ConsumerSession: polling, committing, rebalances) and starts a
 * new one after a failure, until it is closed.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy {
  private readonly metrics: TransportMetrics;
  private readonly lagMonitor: ConsumerLagMonitor;
  private readonly backoff: BackoffOptions;
  private readonly batchWatch = new BatchWatch();
  private session: ConsumerSession | undefined;
  private stopping = false;
  private running: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  private markStarted: () => void = () => undefined;

  constructor(private readonly options: KafkaTransportOptions) {
    super();
    this.metrics = new TransportMetrics(options.metrics);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.lagMonitor = new ConsumerLagMonitor(options.connection, options.groupId, this.metrics.lag, options.lagPollIntervalMs ?? 10_000);
    ensureW3CPropagation();
  }

  /**
   * Returns at once so the HTTP side boots even while Kafka is down (readiness reports it);
   * the consumer keeps trying in the background until it runs or close() is called.
   */
  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.running = this.keepConsuming();
    callback();
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.markStarted();
    await this.lagMonitor.stop();
    const closed = (this.session?.close() ?? Promise.resolve()).then(() => this.running);
    await withTimeout(closed, this.options.shutdownTimeoutMs ?? 10_000, 'closing the consumer').catch((error: Error) =>
      this.logger.warn?.(`kafka transport shutdown: ${error.message}`),
    );
  }

  on(): void {
    throw new Error('KafkaTransport has no events to listen to');
  }

  unwrap<T>(): T {
    throw new Error('KafkaTransport does not expose its librdkafka clients');
  }

  /** Records in the transport's hands for longer than `ms`, by partition (for readiness: see BatchWatch). */
  stalledBatches(ms: number): StalledBatch[] {
    return this.batchWatch.stalledFor(ms);
  }

  /** Resolves once the consumer has joined its group and subscribed (for tests and tools). */
  async whenStarted(): Promise<void> {
    await this.started;
  }

  private async keepConsuming(): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    if (topics.length === 0) return this.markStarted();
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        this.session = await ConsumerSession.open(this.sessionSettings(), this.sessionParts());
        if (this.stopping) {
          await this.session.close();
          break;
        }
        this.lagMonitor.start(topics);
        this.logger.log?.(`consuming ${topics.join(', ')} as group ${this.options.groupId}${this.options.transactional ? ' (exactly-once)' : ''}`);
        this.markStarted();
        attempt = 0;
        await this.session.run();
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn?.(`kafka consumer session failed, starting a new one: ${(error as Error).message}`);
        await this.session?.close().catch(() => undefined);
        this.session = undefined;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.backoff)));
      }
    }
  }

  private sessionSettings() {
    const { options } = this;
    const instanceId = options.instanceId ?? hostname();
    return {
      connection: options.connection,
      groupId: options.groupId,
      transactionalId: options.transactional ? `${options.groupId}.${instanceId}` : undefined,
      groupInstanceId: options.instanceId,
      commitIntervalMs: options.commitIntervalMs ?? 100,
      fetchWaitMs: options.fetchWaitMs ?? 25,
      fetchMinBytes: options.fetchMinBytes ?? 65_536,
      maxPollRecords: Math.min(options.maxPollRecords ?? 2000, options.maxInFlightRecords ?? 10_000),
      maxUncommittedRecords: options.maxInFlightRecords ?? 10_000,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
      startAt: options.startAt ?? 'earliest',
    };
  }

  private sessionParts() {
    const handlers = this.messageHandlers as Map<string, Handler>;
    return {
      handlers,
      runner: new RecordRunner(this.options.serde, this.metrics, this.options.groupId, (outputs, message, error) =>
        this.deadLetter(outputs, message, error),
      ),
      metrics: this.metrics,
      batchWatch: this.batchWatch,
      retryControl: (topic: string) => this.retryControl(topic),
      log: (message: string) => this.logger.log?.(message),
    };
  }

  private deadLetter(outputs: BatchOutputs, message: Message, error: Error): void {
    const source = {
      key: message.key ?? null,
      value: message.value,
      offset: String(message.offset),
      headers: headersOf(message.headers),
    };
    const letter = deadLetterOf({ topic: message.topic, partition: message.partition, message: source }, error, this.options.service);
    outputs.add(letter.message);
    this.metrics.deadLetters.inc({ topic: message.topic, error_class: error.name || 'Error' });
    // The reason stays in the dead letter's headers: a message about a bad value can quote it (a parse
    // error quotes the raw input), and a log line must never carry a claim's personal data.
    this.logger.warn?.(`dead-lettered ${message.topic}/${message.partition}@${message.offset} to ${letter.topic}: ${error.name}`);
  }

  private retryControl(topic: string): RetryControl {
    return {
      backoff: this.backoff,
      shouldContinue: () => !this.stopping,
      isPermanent,
      onRetry: (error: unknown, attempt: number, delayMs: number) => {
        this.metrics.retries.inc({ topic });
        this.logger.warn?.(`${topic}: transient failure (attempt ${attempt + 1}), retrying in ${delayMs} ms: ${(error as Error).message}`);
      },
    };
  }
}
