export * from './service-process';
export * from './stack-endpoints';
export * from './wait-for';
export * from './sample-records';
export * from './kafka-helpers';
export * from './triton-shards';
export * from './mesh';
