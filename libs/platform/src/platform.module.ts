import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ApiKeyGuard } from './auth/api-key.guard';
import { loadApiKeys } from './auth/api-keys';
import { ServiceConfigModule } from './config/config.module';
import { ConfigClass, ServiceConfig } from './config/service-config';
import { DependencyHealth } from './health/dependency-health';
import { HealthController } from './health/health.controller';
import { ReadinessChecks } from './health/readiness-checks';
import { KafkaConnectionModule } from './kafka/kafka-connection.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PersonalDataModule } from './pii/personal-data.module';
import { RedisModule } from './redis/redis.module';
import { SERVICE_NAME } from './service-name';

export interface ServiceSpec<T extends ServiceConfig = ServiceConfig> {
  /** Service name: Kafka clientId, metrics label, trace service.name. */
  name: string;
  /** Port from DESIGN.md, overridable by PORT. */
  port: number;
  /** Whether the service keeps state in Redis (then readiness includes Redis). */
  redis: boolean;
  config?: ConfigClass<T>;
  /** How the service consumes its input topics (services without @EventPattern handlers ignore it). */
  consumer?: {
    /** Consume-transform-produce in Kafka transactions, for hops that must not duplicate. */
    transactional?: boolean;
    maxInFlightRecords?: number;
    /** Where the group starts when it has nothing committed (default earliest). */
    startAt?: 'earliest' | 'latest';
  };
}

/**
 * What every service has in common: validated config, Kafka connection, optional Redis,
 * JSON logs, /health/live, /health/ready and /metrics. A service imports this once in its module.
 */
@Global()
@Module({})
export class PlatformModule {
  static forService<T extends ServiceConfig>(spec: ServiceSpec<T>): DynamicModule {
    const config = (spec.config ?? ServiceConfig) as ConfigClass<T>;
    const nameProvider = { provide: SERVICE_NAME, useValue: spec.name };
    return {
      module: PlatformModule,
      imports: [
        ServiceConfigModule.forRoot(config, { PORT: spec.port } as Partial<Record<keyof T, unknown>>),
        TerminusModule,
        KafkaConnectionModule,
        MetricsModule,
        LoggingModule,
        // Personal data needs the key store in Redis: services without Redis move sealed records as they are.
        ...(spec.redis ? [RedisModule, PersonalDataModule] : []),
      ],
      controllers: [HealthController],
      providers: [
        nameProvider,
        DependencyHealth,
        ReadinessChecks,
        {
          provide: APP_GUARD,
          inject: [Reflector, ServiceConfig],
          useFactory: (reflector: Reflector, config: ServiceConfig) => new ApiKeyGuard(reflector, loadApiKeys(config.API_KEYS_FILE)),
        },
      ],
      exports: [nameProvider, ReadinessChecks],
    };
  }
}
