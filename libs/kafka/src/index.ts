export * from './connection';
export * from './sasl';
export * from './admin/create-topics';
export * from './admin/consumer-lag';
export * from './health-probe';
export * from './transport';
export * from './publisher';
