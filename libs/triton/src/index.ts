export * from './channel-options';
export * from './fraud-model-io';
export * from './inference-service';
export * from './tensor';
export * from './triton-client';
export * from './triton-error';
