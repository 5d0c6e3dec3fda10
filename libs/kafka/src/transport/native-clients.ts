import { KafkaConsumer, LibrdKafkaError, Message, Producer, TopicPartition, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
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
  /** commitSync's work on a libuv worker thread, with a callback; missing from the type declarations. */
  commitCb(offsets: TopicPartitionOffset[], callback: (error: LibrdKafkaError | null) => void): void;
};
export type NativeProducer = Producer;

/** Connecting, and a producer's flush before it disconnects. */
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

/**
 * How long one attempt of a transactional call or an offset commit may block. Short, so a broker
 * that died mid-call costs seconds, not librdkafka's 30 s: the caller classifies the failure
 * (kafka-errors.ts) and calls again, and librdkafka resumes a timed-out transactional call where it
 * stands. initTransactions gets longer: a restarted instance's init waits for its predecessor's
 * open transaction to be aborted.
 */
export const ATTEMPT_TIMEOUT_MS = 5000;
const INIT_TIMEOUT_MS = 15_000;

export const transactions = {
  init: (producer: NativeProducer, timeoutMs = INIT_TIMEOUT_MS) => settle((done) => producer.initTransactions(timeoutMs, done)),
  begin: (producer: NativeProducer) => settle((done) => producer.beginTransaction(done)),
  sendOffsets: (producer: NativeProducer, offsets: TopicPartitionOffset[], consumer: NativeConsumer, timeoutMs = ATTEMPT_TIMEOUT_MS) =>
    settle((done) => producer.sendOffsetsToTransaction(offsets, consumer, timeoutMs, done)),
  commit: (producer: NativeProducer, timeoutMs = ATTEMPT_TIMEOUT_MS) => settle((done) => producer.commitTransaction(timeoutMs, done)),
  abort: (producer: NativeProducer, timeoutMs = ATTEMPT_TIMEOUT_MS) => settle((done) => producer.abortTransaction(timeoutMs, done)),
};

/**
 * Commits offsets on a libuv worker thread (commitSync would block the event loop, health probes
 * included, for as long as the coordinator takes: up to a broker-side timeout while a dead broker
 * is still in the offsets topic's ISR).
 */
export function commitOffsets(consumer: NativeConsumer, offsets: TopicPartitionOffset[]): Promise<void> {
  return settle((done) => consumer.commitCb(offsets, (error: LibrdKafkaError | null) => done(error)));
}

/** The group's committed offsets of these partitions (offset < 0 where none is committed yet). */
export function committedOffsets(consumer: NativeConsumer, partitions: TopicPartition[], timeoutMs: number): Promise<TopicPartitionOffset[]> {
  return settle<TopicPartitionOffset[]>((done) => consumer.committed(partitions, timeoutMs, done));
}

export function seek(consumer: NativeConsumer, position: TopicPartitionOffset, timeoutMs: number): Promise<void> {
  return settle((done) => consumer.seek(position, timeoutMs, (error: LibrdKafkaError) => done(error)));
}

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
