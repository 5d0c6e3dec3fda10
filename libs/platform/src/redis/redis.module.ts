import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { ServiceConfig } from '../config/service-config';
import { redisSecurityFromEnv } from './redis-connection';

/** Injection token of the service's shared ioredis connection. */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One Redis connection per service, its TLS and ACL user from the environment (redisSecurityFromEnv).
 * Commands fail fast while Redis is down (no offline queue) so callers and readiness see the
 * outage instead of piling up requests in memory.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) =>
        new Redis(config.REDIS_URL, {
          ...redisSecurityFromEnv(config.REDIS_URL),
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        }),
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
