import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import { AvroSerde, ClaimSubmitted } from '@claims-mesh/contracts';
import {
  HandlerErrorPassthroughFilter,
  InboundRecord,
  KafkaTransport,
  OutboundRecord,
} from '@claims-mesh/kafka';
import { Consumer, EachBatchPayload, Kafka, Partitioners, Producer } from 'kafkajs';
import { Histogram, Registry } from 'prom-client';

/** One relay under test: consumes `input`, produces every record to `output`, commits. */
export interface Relay {
  readonly groupId: string;
  /** When the relay's own code first got a record: the start of the drain clock (group join excluded). */
  firstRecordAt(): number | undefined;
  /** Partition batches handled so far and records in them: the batch size explains a lot of the cost. */
  batches(): Promise<{ count: number; records: number }>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The baseline: plain kafkajs with the same settings the transport uses (idempotent producer
 * with one request in flight, acks=-1, default partitioner, 3 partitions consumed concurrently),
 * forwarding key, value bytes and headers unchanged and committing only after the send is acked.
 */
export class BareRelay implements Relay {
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  private first: number | undefined;
  private readonly handled = { count: 0, records: 0 };

  constructor(
    private readonly kafka: Kafka,
    readonly groupId: string,
    private readonly input: string,
    private readonly output: string,
  ) {}

  firstRecordAt(): number | undefined {
    return this.first;
  }

  async batches(): Promise<{ count: number; records: number }> {
    return { ...this.handled };
  }

  async start(): Promise<void> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
    });
    this.producer = producer;
    this.consumer = consumer;
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [this.input], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.relayBatch(producer, consumer, payload),
    });
  }

  private async relayBatch(producer: Producer, consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    this.first ??= Date.now();
    const messages = batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers }));
    await producer.send({ topic: this.output, acks: -1, messages });
    const last = batch.messages[batch.messages.length - 1].offset;
    await consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
    ]);
    payload.resolveOffset(last);
    this.handled.count++;
    this.handled.records += messages.length;
    await payload.heartbeat();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}

/**
 * The project's hop: the real KafkaTransport running a NestJS microservice whose handler gets
 * the decoded claim and returns it as an OutboundRecord (decode -> handler -> encode -> produce
 * -> commit), with the transport's default concurrency and in-flight bound.
 */
export class TransportRelay implements Relay {
  private app: INestMicroservice | undefined;
  private first: number | undefined;
  private readonly metrics = new Registry();

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    readonly groupId: string,
    private readonly input: string,
    private readonly output: string,
    private readonly transactional: boolean,
  ) {}

  firstRecordAt(): number | undefined {
    return this.first;
  }

  /** From the transport's own batch-size histogram. */
  async batches(): Promise<{ count: number; records: number }> {
    const metric = this.metrics.getSingleMetric('kafka_consumer_batch_size');
    const values = metric instanceof Histogram ? (await metric.get()).values : [];
    const total = (name: string) =>
      values.filter((v) => v.metricName === name).reduce((sum, v) => sum + v.value, 0);
    return {
      count: total('kafka_consumer_batch_size_count'),
      records: total('kafka_consumer_batch_size_sum'),
    };
  }

  async start(): Promise<void> {
    // @EventPattern needs the topic when the class is defined, and the topics are per run.
    const { input, output } = this;
    const markFirst = () => (this.first ??= Date.now());

    @Controller()
    class BenchRelayController {
      @EventPattern(input)
      relay(record: InboundRecord<ClaimSubmitted>): OutboundRecord<ClaimSubmitted> {
        markFirst();
        return { topic: output, key: record.key ?? '', value: record.value };
      }
    }

    @Module({ controllers: [BenchRelayController] })
    class BenchRelayModule {}

    const transport = new KafkaTransport({
      kafka: this.kafka,
      serde: this.serde,
      groupId: this.groupId,
      service: 'bench-kafka-hop',
      metrics: this.metrics,
      transactional: this.transactional,
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
