/**
 * The only kafkajs code left in the repository, on purpose: the project moved from kafkajs to
 * @confluentinc/kafka-javascript (librdkafka), and the kafka-hop and transactions benches keep
 * the kafkajs relays they measured before as a reference, so every run prints the new client
 * next to the old one on the same broker. kafkajs is a devDependency of load-tests for this
 * file alone; nothing the services run imports it. The relays are what the project ran on
 * kafkajs: the bare relay the benches compared against, and the old transport's exactly-once
 * scheme (a transactional producer per input partition, one transaction per partition batch).
 * No SASL: the reference runs against the local stack only.
 */
import { Consumer, EachBatchPayload, Kafka, logLevel, Partitioners, Producer, RetryOptions } from 'kafkajs';
import { parseBrokers } from '@claims-mesh/kafka';
import { Relay, RelayStats, RelayTopics } from './relays';

/** The old transport's producer retry for transactions: the first send of a transaction meets CONCURRENT_TRANSACTIONS while the last commit's markers are written. */
const TRANSACTIONAL_RETRY: RetryOptions = { initialRetryTime: 1, maxRetryTime: 250, retries: Number.MAX_SAFE_INTEGER };

function kafkajsClient(topics: RelayTopics): Kafka {
  return new Kafka({
    clientId: topics.connection.clientId,
    brokers: parseBrokers(topics.connection.brokers),
    logLevel: logLevel.NOTHING,
  });
}

/**
 * The kafkajs relay: idempotent producer with one request in flight, acks=-1, the Java
 * client's partitioner, 3 partitions consumed concurrently, forwarding key, value bytes and
 * headers unchanged and committing a partition batch only after its send is acknowledged.
 */
export class KafkajsRelay implements Relay {
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  private first: number | undefined;
  private readonly handled = { count: 0, records: 0 };
  private readonly kafka: Kafka;
  readonly groupId: string;

  constructor(private readonly topics: RelayTopics) {
    this.kafka = kafkajsClient(topics);
    this.groupId = topics.groupId;
  }

  async stats(): Promise<RelayStats> {
    return { firstRecordAt: this.first, batches: { ...this.handled }, transactions: 0 };
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
    await consumer.subscribe({ topics: [this.topics.input], fromBeginning: true });
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
    await producer.send({ topic: this.topics.output, acks: -1, messages });
    const last = batch.messages[batch.messages.length - 1].offset;
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
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
 * The old transport's exactly-once hop on kafkajs: a transactional producer per input
 * partition (transactional id `<group>.<topic>.<partition>`), 3 partitions consumed
 * concurrently, and for every partition batch one transaction: send the outputs, send the
 * consumed offsets, commit. Transactions per second follow the batches, hence the load.
 */
export class KafkajsTransactionalRelay implements Relay {
  private consumer: Consumer | undefined;
  private readonly producers = new Map<number, Promise<Producer>>();
  private first: number | undefined;
  private readonly handled = { count: 0, records: 0 };
  private transactions = 0;
  private readonly kafka: Kafka;
  readonly groupId: string;

  constructor(private readonly topics: RelayTopics) {
    this.kafka = kafkajsClient(topics);
    this.groupId = topics.groupId;
  }

  async stats(): Promise<RelayStats> {
    return { firstRecordAt: this.first, batches: { ...this.handled }, transactions: this.transactions };
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topics.input], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.relayBatch(payload),
    });
  }

  private producerFor(partition: number): Promise<Producer> {
    let producer = this.producers.get(partition);
    if (!producer) {
      const created = this.kafka.producer({
        transactionalId: `${this.groupId}.${this.topics.input}.${partition}`,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: TRANSACTIONAL_RETRY,
      });
      producer = created.connect().then(() => created);
      this.producers.set(partition, producer);
    }
    return producer;
  }

  private async relayBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    this.first ??= Date.now();
    const producer = await this.producerFor(batch.partition);
    const messages = batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers }));
    const last = batch.messages[batch.messages.length - 1].offset;
    const transaction = await producer.transaction();
    try {
      await transaction.send({ topic: this.topics.output, acks: -1, messages });
      await transaction.sendOffsets({
        consumerGroupId: this.groupId,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    payload.resolveOffset(last);
    this.transactions++;
    this.handled.count++;
    this.handled.records += messages.length;
    await payload.heartbeat();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    const producers = await Promise.all(this.producers.values()).catch(() => [] as Producer[]);
    await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
  }
}
