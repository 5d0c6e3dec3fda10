import type { LibrdKafkaError } from '@confluentinc/kafka-javascript';

/**
 * What an error of a commit means for the consumer session, in librdkafka's own terms: its
 * transactional API flags each error (rd_kafka_error_is_retriable, _txn_requires_abort,
 * _is_fatal), and its offset commits fail with a broker or local error code. Only a fatal error
 * ends the session; the others are the ordinary weather of a broker going away and coming back.
 */
type KafkaError = Partial<Pick<LibrdKafkaError, 'code' | 'isFatal' | 'isRetriable' | 'isTxnRequiresAbort'>>;

export const ERR = {
  TIMED_OUT: -185,
  TRANSPORT: -195,
  ALL_BROKERS_DOWN: -187,
  WAIT_COORD: -180,
  FENCED: -144,
  REQUEST_TIMED_OUT: 7,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  FENCED_INSTANCE_ID: 82,
  PRODUCER_FENCED: 90,
} as const;

/**
 * A transactional call (sendOffsetsToTransaction, commitTransaction, ...) that failed:
 *   retry  the same call again (librdkafka resumes the operation in progress; a timeout is retriable)
 *   abort  the transaction cannot commit: abort it and read again from the committed offsets
 *   fatal  the producer is unusable (fenced by a newer instance, or a fatal error): end the session
 */
export type TransactionErrorAction = 'retry' | 'abort' | 'fatal';

export function transactionErrorAction(error: unknown): TransactionErrorAction {
  const e = (error ?? {}) as KafkaError;
  // Fencing first: a fenced producer's errors may carry the other flags too, and retrying is futile.
  if (e.isFatal || e.code === ERR.FENCED || e.code === ERR.PRODUCER_FENCED) return 'fatal';
  if (e.isTxnRequiresAbort) return 'abort';
  if (e.isRetriable || e.code === ERR.TIMED_OUT) return 'retry';
  // An error librdkafka did not classify is not understood here either: the session starts over.
  return 'fatal';
}

/**
 * An offset commit (at-least-once) that failed:
 *   retry   a coordinator moving, a replica set shrinking, a timeout: commit again later, the next
 *           commit includes these offsets anyway
 *   rejoin  the group no longer knows this member or its generation: a rebalance is under way, after
 *           which the partitions are read again from the committed offsets by whoever holds them
 *   fatal   anything else: end the session
 */
export type OffsetCommitErrorAction = 'retry' | 'rejoin' | 'fatal';

const RETRIABLE_COMMIT_CODES = new Set<number>([
  ERR.TIMED_OUT,
  ERR.TRANSPORT,
  ERR.ALL_BROKERS_DOWN,
  ERR.WAIT_COORD,
  ERR.REQUEST_TIMED_OUT,
  ERR.COORDINATOR_LOAD_IN_PROGRESS,
  ERR.COORDINATOR_NOT_AVAILABLE,
  ERR.NOT_COORDINATOR,
  ERR.NOT_ENOUGH_REPLICAS,
  ERR.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
]);
const REJOIN_COMMIT_CODES = new Set<number>([ERR.UNKNOWN_MEMBER_ID, ERR.ILLEGAL_GENERATION, ERR.REBALANCE_IN_PROGRESS]);

export function offsetCommitErrorAction(error: unknown): OffsetCommitErrorAction {
  const e = (error ?? {}) as KafkaError;
  if (e.isFatal || e.code === ERR.FENCED_INSTANCE_ID) return 'fatal';
  if (e.code !== undefined && REJOIN_COMMIT_CODES.has(e.code)) return 'rejoin';
  if (e.isRetriable || (e.code !== undefined && RETRIABLE_COMMIT_CODES.has(e.code))) return 'retry';
  return 'fatal';
}
