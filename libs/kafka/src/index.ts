export * from './connection';
export * from './topics';
export * from './admin/create-topics';
export * from './health-probe';
