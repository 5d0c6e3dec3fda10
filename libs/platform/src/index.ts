import 'reflect-metadata';
export * from './bootstrap';
export * from './config/service-config';
export * from './platform.module';
export * from './redis/redis.module';
export * from './service-name';
export * from './auth/api-key.guard';
export * from './auth/api-keys';
export * from './http/request-validation';
