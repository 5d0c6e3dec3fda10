export * from './envelope';
export * from './data-keys';
export * from './pii-codec';
