export * from './generated/contracts';
export * from './schemas';
export * from './topics';
export * from './wire-format';
export * from './registry/register-schemas';
export * from './ids';
export * from './review-selection';
export * from './model-rollout';
