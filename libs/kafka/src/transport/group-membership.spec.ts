import { KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import { coordinatorLost, rejoinRequest } from './group-membership';

// kafkajs's consumer runner joins the group again on these errors only (its internal predicates).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isRebalancing, isKafkaJSError } = require('kafkajs/src/errors') as {
  isRebalancing: (error: unknown) => boolean;
  isKafkaJSError: (error: unknown) => boolean;
};

/** A broker's error answer as kafkajs raises it (e.g. code 16 NOT_COORDINATOR). */
function protocolError(type: string, code: number): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable: true }));
}

describe('coordinatorLost', () => {
  it('says so when the coordinator of the last join is unreachable, gone, or no longer the coordinator', () => {
    expect(coordinatorLost(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))).toBe(true);
    const notFound = Object.assign(new Error('Broker 2 not found in the cached metadata'), { name: 'KafkaJSBrokerNotFound' });
    expect(coordinatorLost(notFound)).toBe(true);
    expect(coordinatorLost(protocolError('NOT_COORDINATOR_FOR_GROUP', 16))).toBe(true);
    expect(coordinatorLost(protocolError('REBALANCE_IN_PROGRESS', 27))).toBe(true);
    expect(coordinatorLost(protocolError('UNKNOWN_MEMBER_ID', 25))).toBe(true);
  });

  it('leaves other errors to be retried', () => {
    expect(coordinatorLost(protocolError('REQUEST_TIMED_OUT', 7))).toBe(false);
    expect(coordinatorLost(protocolError('COORDINATOR_LOAD_IN_PROGRESS', 14))).toBe(false);
    expect(coordinatorLost(new Error('socket hang up'))).toBe(false);
  });
});

describe('rejoinRequest', () => {
  it('turns an unreachable coordinator into an error on which kafkajs joins the group again', () => {
    const cause = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
    expect(isRebalancing(cause)).toBe(false);

    const request = rejoinRequest(cause);
    expect(isKafkaJSError(request)).toBe(true);
    expect(isRebalancing(request)).toBe(true);
    expect(request.message).toContain('ECONNREFUSED');
  });

  it('passes a group error on as it came', () => {
    const cause = protocolError('ILLEGAL_GENERATION', 22);
    expect(rejoinRequest(cause)).toBe(cause);
    expect(isRebalancing(cause)).toBe(true);
  });
});
