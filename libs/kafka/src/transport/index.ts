export * from './backoff';
export type { StalledBatch } from './batch-watch';
export * from './dead-letter';
export * from './kafka-transport';
export * from './records';
export * from './trace-context';
export * from './error-passthrough.filter';
export * from './native-clients';
export { offsetCommitErrorAction } from './kafka-errors';
