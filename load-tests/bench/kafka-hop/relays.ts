import { Controller, INestMicroservice, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import type { DeliveryReport, LibrdKafkaError, Message } from '@confluentinc/kafka-javascript';
import { AvroSerde, ClaimSubmitted } from '@claims-mesh/contracts';
import {
  asError,
  connectConsumer,
  connectProducer,
  consume,
  disconnect,
  HandlerErrorPassthroughFilter,
  InboundRecord,
  KafkaConnectionOptions,
  KafkaTransport,
  librdkafkaConfig,
  NativeConsumer,
  NativeProducer,
  OutboundRecord,
  PRODUCER_DEFAULTS,
} from '@claims-mesh/kafka';
import { Counter, Histogram, Registry } from 'prom-client';

/** What a relay reports about its work so far. */
export interface RelayStats {
  /** When the relay's own code first got a record: the start of the drain clock (group join excluded). */
  firstRecordAt?: number;
  /** Batches (polls) handled so far and records in them: the batch size explains a lot of the cost. */
  batches: { count: number; records: number };
  /** Transactions committed so far (0 for a relay without them). */
  transactions: number;
}

/** One relay under test: consumes `input`, produces every record to `output`, commits. */
export interface Relay {
  readonly groupId: string;
  start(): Promise<void>;
  stats(): Promise<RelayStats>;
  stop(): Promise<void>;
}

/** What a relay is built from; every relay gets its own clients on these settings. */
export interface RelayTopics {
  connection: KafkaConnectionOptions;
  groupId: string;
  input: string;
  output: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One poll's records on their way out: how many outputs the brokers have still to acknowledge, and the offsets they complete. */
interface PendingPoll {
  outstanding: number;
  offsets: { topic: string; partition: number; offset: number }[];
}

/**
 * The baseline: the least a relay on @confluentinc/kafka-javascript's native API does for
 * at-least-once delivery. One consume() of up to MAX_POLL records across every assigned
 * partition; each record produced to `output` unchanged (key, value bytes, headers) by an
 * idempotent producer with the mesh's partitioner and linger (PRODUCER_DEFAULTS, acks=all);
 * every COMMIT_INTERVAL_MS the offsets of the polls whose outputs were all acknowledged (in poll
 * order) are committed, asynchronously. Polling goes on while outputs are in flight, up to
 * MAX_IN_FLIGHT unacknowledged records. Reads read_committed, as the mesh's consumers do. No
 * decoding, no handler, no framework: what the transport adds shows against it.
 */
export class NativeRelay implements Relay {
  static readonly MAX_POLL = 2000;
  static readonly COMMIT_INTERVAL_MS = 100;
  static readonly MAX_IN_FLIGHT = 10_000;
  private consumer: NativeConsumer | undefined;
  private producer: NativeProducer | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private first: number | undefined;
  private readonly handled = { count: 0, records: 0 };
  private pending: PendingPoll[] = [];
  private inFlight = 0;
  private failure: Error | undefined;
  private delivered: (() => void) | undefined;
  private lastCommit = Date.now();

  readonly groupId: string;

  constructor(private readonly topics: RelayTopics) {
    this.groupId = topics.groupId;
  }

  async stats(): Promise<RelayStats> {
    return { firstRecordAt: this.first, batches: { ...this.handled }, transactions: 0 };
  }

  async start(): Promise<void> {
    const connection = librdkafkaConfig(this.topics.connection);
    const producer = await connectProducer({ ...connection, ...PRODUCER_DEFAULTS, dr_cb: true });
    producer.setPollInBackground(true);
    producer.on('delivery-report', (error: LibrdKafkaError, report: DeliveryReport) => this.onDelivery(error, report));
    const consumer = await connectConsumer(
      {
        ...connection,
        'group.id': this.groupId,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': 'read_committed',
        'session.timeout.ms': 30_000,
        'heartbeat.interval.ms': 3000,
        'queued.max.messages.kbytes': 8192,
        'fetch.wait.max.ms': 100,
      },
      { 'auto.offset.reset': 'earliest' },
    );
    consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
    consumer.subscribe([this.topics.input]);
    this.producer = producer;
    this.consumer = consumer;
    this.loop = this.relayLoop(consumer, producer);
  }

  private async relayLoop(consumer: NativeConsumer, producer: NativeProducer): Promise<void> {
    while (!this.stopping) {
      const dueIn = this.lastCommit + NativeRelay.COMMIT_INTERVAL_MS - Date.now();
      if (dueIn <= 0) this.commitAcknowledged(consumer);
      consumer.setDefaultConsumeTimeout(Math.max(1, Math.min(NativeRelay.COMMIT_INTERVAL_MS, dueIn)));
      const messages = await consume(consumer, NativeRelay.MAX_POLL);
      if (messages.length > 0) {
        this.first ??= Date.now();
        const poll: PendingPoll = { outstanding: messages.length, offsets: nextOffsets(messages) };
        this.pending.push(poll);
        this.inFlight += messages.length;
        for (const m of messages) await this.produce(producer, m, poll);
        this.handled.count++;
        this.handled.records += messages.length;
      }
      while (this.inFlight > NativeRelay.MAX_IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.delivered = resolve));
    }
    while (this.inFlight > 0 && !this.failure) await new Promise<void>((resolve) => (this.delivered = resolve));
    this.commitAcknowledged(consumer);
  }

  /** Commits the offsets of the leading polls whose outputs were all acknowledged. */
  private commitAcknowledged(consumer: NativeConsumer): void {
    this.lastCommit = Date.now();
    if (this.failure) throw this.failure;
    const done = new Map<string, { topic: string; partition: number; offset: number }>();
    while (this.pending.length > 0 && this.pending[0].outstanding === 0) {
      for (const o of this.pending.shift()!.offsets) done.set(`${o.topic}/${o.partition}`, o);
    }
    if (done.size > 0) consumer.commit([...done.values()]);
  }

  private produce(producer: NativeProducer, m: Message, poll: PendingPoll): Promise<void> | void {
    try {
      producer.produce(this.topics.output, null, m.value, m.key, null, poll, m.headers);
    } catch (error) {
      // The local queue is full: wait for room.
      if ((error as LibrdKafkaError).code !== -184) throw asError(error);
      return sleep(5).then(() => this.produce(producer, m, poll));
    }
  }

  private onDelivery(error: LibrdKafkaError | null | undefined, report: DeliveryReport): void {
    const poll = report.opaque as PendingPoll | undefined;
    if (!poll) return;
    if (error) this.failure ??= asError(error);
    poll.outstanding--;
    this.inFlight--;
    const resolve = this.delivered;
    this.delivered = undefined;
    resolve?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop?.catch((error: Error) => console.warn(`relay ${this.groupId} had failed: ${error.message}`));
    if (this.consumer) await disconnect(this.consumer).catch(() => undefined);
    if (this.producer) await disconnect(this.producer).catch(() => undefined);
  }
}

/** The offset after the last record of each partition in `messages`: what a commit of them all sends. */
export function nextOffsets(messages: Message[]): { topic: string; partition: number; offset: number }[] {
  const last = new Map<string, { topic: string; partition: number; offset: number }>();
  for (const m of messages) last.set(`${m.topic}/${m.partition}`, { topic: m.topic, partition: m.partition, offset: m.offset + 1 });
  return [...last.values()];
}

/**
 * The project's hop: the real KafkaTransport running a NestJS microservice whose handler gets
 * the decoded claim and returns it as an OutboundRecord (decode -> handler -> encode -> produce
 * -> commit), with the transport's defaults (commit interval 100 ms, polls of up to 2,000
 * records across partitions); transactional: one transaction per commit interval over every
 * partition (EOS v2).
 */
export class TransportRelay implements Relay {
  private app: INestMicroservice | undefined;
  private first: number | undefined;
  private readonly metrics = new Registry();
  readonly groupId: string;

  constructor(
    private readonly topics: RelayTopics,
    private readonly serde: AvroSerde,
    private readonly transactional: boolean,
  ) {
    this.groupId = topics.groupId;
  }

  /** From the transport's own batch-size histogram and transaction counter. */
  async stats(): Promise<RelayStats> {
    const batchSize = this.metrics.getSingleMetric('kafka_consumer_batch_size');
    const values = batchSize instanceof Histogram ? (await batchSize.get()).values : [];
    const total = (name: string) => values.filter((v) => v.metricName === name).reduce((sum, v) => sum + v.value, 0);
    const counter = this.metrics.getSingleMetric('kafka_transactions_total');
    const committed =
      counter instanceof Counter ? (await counter.get()).values.find((v) => v.labels.outcome === 'committed')?.value ?? 0 : 0;
    return {
      firstRecordAt: this.first,
      batches: { count: total('kafka_consumer_batch_size_count'), records: total('kafka_consumer_batch_size_sum') },
      transactions: committed,
    };
  }

  /**
   * The handler the microservice runs: each record returned as it came. Defined per relay, as
   * @EventPattern needs the topic when the class is defined, and the topics are per run.
   */
  protected controller(input: string, output: string, markFirst: () => void): Type<unknown> {
    @Controller()
    class BenchRelayController {
      @EventPattern(input)
      relay(record: InboundRecord<ClaimSubmitted>): OutboundRecord<ClaimSubmitted> {
        markFirst();
        return { topic: output, key: record.key ?? '', value: record.value };
      }
    }
    return BenchRelayController;
  }

  async start(): Promise<void> {
    const controller = this.controller(this.topics.input, this.topics.output, () => (this.first ??= Date.now()));

    @Module({ controllers: [controller] })
    class BenchRelayModule {}

    const transport = new KafkaTransport({
      connection: this.topics.connection,
      serde: this.serde,
      groupId: this.groupId,
      service: 'bench-kafka-hop',
      metrics: this.metrics,
      transactional: this.transactional,
      commitIntervalMs: Number(process.env.KAFKA_COMMIT_INTERVAL_MS ?? 100),
    });
    this.app = await NestFactory.createMicroservice(BenchRelayModule, { strategy: transport, logger: false });
    this.app.useGlobalFilters(new HandlerErrorPassthroughFilter());
    await this.app.listen();
    await transport.whenStarted();
  }

  async stop(): Promise<void> {
    await this.app?.close();
  }
}
