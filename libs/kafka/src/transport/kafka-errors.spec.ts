import { offsetCommitErrorAction, transactionErrorAction } from './kafka-errors';

describe('transactionErrorAction', () => {
  it.each([
    ['a retriable error', { code: 16, isRetriable: true }, 'retry'],
    ['a timed-out attempt', { code: -185 }, 'retry'],
    ['an abortable error', { code: 19, isTxnRequiresAbort: true }, 'abort'],
    ['an abortable error that is also retriable', { code: 19, isTxnRequiresAbort: true, isRetriable: true }, 'abort'],
    ['a fatal error', { code: -150, isFatal: true }, 'fatal'],
    ['a fenced producer, even flagged retriable', { code: -144, isRetriable: true }, 'fatal'],
    ['a producer fenced by the broker', { code: 90, isTxnRequiresAbort: true }, 'fatal'],
    ['an error librdkafka did not classify', { code: -1 }, 'fatal'],
    ['something that is not a Kafka error', new Error('boom'), 'fatal'],
  ])('%s: %s', (_name, error, action) => {
    expect(transactionErrorAction(error)).toBe(action);
  });
});

describe('offsetCommitErrorAction', () => {
  it.each([
    ['a broker-side timeout (dead broker still in the ISR)', { code: 7 }, 'retry'],
    ['the coordinator moving', { code: 16 }, 'retry'],
    ['no coordinator yet', { code: 15 }, 'retry'],
    ['a local timeout', { code: -185 }, 'retry'],
    ['a broken connection', { code: -195 }, 'retry'],
    ['too few replicas in sync', { code: 19 }, 'retry'],
    ['an unknown member', { code: 25 }, 'rejoin'],
    ['a stale generation', { code: 22 }, 'rejoin'],
    ['a rebalance in progress', { code: 27 }, 'rejoin'],
    ['a static member fenced by another with its id', { code: 82 }, 'fatal'],
    ['an authorization failure', { code: 30 }, 'fatal'],
    ['a fatal error', { code: 7, isFatal: true }, 'fatal'],
  ])('%s: %s', (_name, error, action) => {
    expect(offsetCommitErrorAction(error)).toBe(action);
  });
});
