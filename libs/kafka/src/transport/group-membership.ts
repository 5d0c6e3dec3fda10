import { KafkaJSProtocolError } from 'kafkajs';

/**
 * A consumer's offset commit cannot succeed until the consumer joins its group again. kafkajs sends
 * a group's commits to the coordinator it found when it last joined and never looks it up again on
 * its own. After a broker's failover moved the coordinator, that is a broker gone from the metadata
 * ("Broker 2 not found in the cached metadata", until it is back), then one that answers
 * NOT_COORDINATOR for ever: retried inside the batch, one commit was tried thousands of times while
 * audit (once the gateway) consumed nothing, ready all along. A join finds the new coordinator.
 */
export class CoordinatorLostError extends Error {
  override readonly name = 'CoordinatorLostError';

  constructor(override readonly cause: Error) {
    super(`offset commit failed, joining the group again: ${cause.message}`);
  }
}

/** The group errors on which kafkajs's runner joins the group again (isRebalancing and UNKNOWN_MEMBER_ID in kafkajs). */
const GROUP_MEMBERSHIP_ERRORS = new Set(['NOT_COORDINATOR_FOR_GROUP', 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * A commit's or heartbeat's error saying the member must join its group again: the coordinator of its
 * last join is unreachable, gone from the metadata, or no longer the coordinator. Other errors are retried.
 */
export function coordinatorLost(error: Error & { type?: string }): boolean {
  return (
    ['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSBrokerNotFound'].includes(error.name) ||
    (error.type !== undefined && GROUP_MEMBERSHIP_ERRORS.has(error.type))
  );
}

/**
 * What eachBatch throws so that kafkajs's runner joins the group again, which it does on errors of
 * the group types only: a group error as it came, an unreachable coordinator as the NOT_COORDINATOR
 * it amounts to.
 */
export function rejoinRequest(cause: Error & { type?: string }): Error {
  if (cause.type !== undefined) return cause;
  const notCoordinator = new Error(`the group's coordinator is gone (${cause.message}); joining the group again`);
  return new KafkaJSProtocolError(Object.assign(notCoordinator, { type: 'NOT_COORDINATOR_FOR_GROUP', code: 16, retriable: true }));
}
