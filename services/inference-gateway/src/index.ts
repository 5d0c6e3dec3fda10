/**
 * The gateway's building blocks, for code that drives them outside the service (the gateway
 * benchmark in load-tests). The service itself starts from main.ts.
 */
export * from './batching/adaptive-batcher';
export * from './batching/aimd-controller';
export * from './batching/batchers';
export * from './config';
export * from './metrics/gateway-metrics';
export * from './routing/circuit-breaker';
export * from './rollout/routing';
export * from './routing/shard-router';
export * from './scoring/cascade';
export * from './scoring/claim-scorer';
export * from './service';
export * from './triton/triton-shards';
