import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaHealthProbe } from '@claims-mesh/kafka';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { ReadinessCheck } from './readiness-checks';

/** Terminus indicators for the connections a service depends on. */
@Injectable()
export class DependencyHealth {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly kafkaProbe: KafkaHealthProbe,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
  ) {}

  get usesRedis(): boolean {
    return this.redis !== undefined;
  }

  async kafka(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('kafka');
    try {
      return check.up({ brokers: await this.kafkaProbe.brokerCount() });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  async redisPing(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('redis');
    if (!this.redis) return check.down({ message: 'redis is not configured for this service' });
    try {
      await this.redis.ping();
      return check.up();
    } catch (error) {
      return check.down({ message: `${(error as Error).message} (connection ${this.redis.status})` });
    }
  }

  /** A check the service registered (see ReadinessChecks), as a Terminus indicator under its name. */
  async contributed(readiness: ReadinessCheck): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(readiness.name);
    try {
      const { ready, details = {} } = await readiness.check();
      return ready ? check.up(details) : check.down(details);
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
