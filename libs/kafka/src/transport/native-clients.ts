import { KafkaConsumer, LibrdKafkaError, Message, Producer, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { ConsumerGlobalConfig, ConsumerTopicConfig, ProducerGlobalConfig } from '@confluentinc/kafka-javascript';
import { headerList, OutgoingMessage } from './records';

/**
 * Promise forms of the librdkafka binding's callback API, for the transport's native clients.
 * The native API rather than the KafkaJS-style one on the hot path: one consume() hands out
 * records of every assigned partition at once (its eachBatch gives at most 32 of one partition),
 * and a transaction can span all of them.
 */
export type NativeConsumer = KafkaConsumer & {
  /** In the binding, missing from its type declarations. */
  setDefaultIsTimeoutOnlyForFirstMessage(timeoutOnlyForFirst: boolean): void;
  /** Inside a revocation: whether the partitions were lost (session timed out) rather than handed over. */
  assignmentLost(): boolean;
};
export type NativeProducer = Producer;

const OPERATION_TIMEOUT_MS = 30_000;

function settle<T = void>(run: (done: (error: LibrdKafkaError | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    run((error, value) => (error ? reject(asError(error)) : resolve(value as T)));
  });
}

/** librdkafka's errors are plain objects in places; an Error keeps their code and flags and gets a stack. */
export function asError(error: unknown): Error & Partial<LibrdKafkaError> {
  if (error instanceof Error) return error as Error & Partial<LibrdKafkaError>;
  const { message, ...rest } = error as LibrdKafkaError;
  return Object.assign(new Error(message), rest);
}

export async function connectConsumer(config: ConsumerGlobalConfig, topicConfig: ConsumerTopicConfig = {}): Promise<NativeConsumer> {
  const consumer = new KafkaConsumer(config, topicConfig);
  await settle((done) => consumer.connect({ timeout: OPERATION_TIMEOUT_MS }, (error) => done(error)));
  return consumer as NativeConsumer;
}

export async function connectProducer(config: ProducerGlobalConfig, timeoutMs = OPERATION_TIMEOUT_MS): Promise<NativeProducer> {
  const producer = new Producer(config, {});
  await settle((done) => producer.connect({ timeout: timeoutMs }, (error) => done(error)));
  return producer;
}

/** A producer flushes (for up to the operation timeout) before it disconnects; a consumer's disconnect takes no timeout. */
export function disconnect(client: NativeConsumer | NativeProducer): Promise<void> {
  if (!client.isConnected()) return Promise.resolve();
  if (client instanceof Producer) return settle((done) => client.disconnect(OPERATION_TIMEOUT_MS, (error: LibrdKafkaError) => done(error)));
  return settle((done) => client.disconnect((error: LibrdKafkaError) => done(error)));
}

/** Up to `max` records of any assigned partitions, in each partition's order; waits at most the consumer's consume timeout. */
export function consume(consumer: NativeConsumer, max: number): Promise<Message[]> {
  return settle<Message[]>((done) => consumer.consume(max, done));
}

export const transactions = {
  init: (producer: NativeProducer) => settle((done) => producer.initTransactions(OPERATION_TIMEOUT_MS, done)),
  begin: (producer: NativeProducer) => settle((done) => producer.beginTransaction(done)),
  sendOffsets: (producer: NativeProducer, offsets: TopicPartitionOffset[], consumer: NativeConsumer) =>
    settle((done) => producer.sendOffsetsToTransaction(offsets, consumer, OPERATION_TIMEOUT_MS, done)),
  commit: (producer: NativeProducer) => settle((done) => producer.commitTransaction(OPERATION_TIMEOUT_MS, done)),
  abort: (producer: NativeProducer) => settle((done) => producer.abortTransaction(OPERATION_TIMEOUT_MS, done)),
};

export function flush(producer: NativeProducer, timeoutMs = OPERATION_TIMEOUT_MS): Promise<void> {
  return settle((done) => producer.flush(timeoutMs, done));
}

const QUEUE_FULL = -184; // ERR__QUEUE_FULL: the producer's local queue is at queue.buffering.max.*

/**
 * Queues one record on the producer. Synchronous in the common case; when the producer's
 * local queue is full it returns a promise that waits for room instead of failing.
 */
export function produce(producer: NativeProducer, message: OutgoingMessage, opaque?: unknown): void | Promise<void> {
  try {
    producer.produce(message.topic, null, message.value, message.key, null, opaque, headerList(message.headers));
  } catch (error) {
    if ((error as LibrdKafkaError).code !== QUEUE_FULL) throw asError(error);
    return new Promise((resolve) => setTimeout(resolve, 5)).then(() => produce(producer, message, opaque));
  }
}
