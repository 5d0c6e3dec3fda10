export * from './connection';
export * from './admin/create-topics';
export * from './health-probe';
export * from './transport';
export * from './publisher';
export * from './produce-chunks';
