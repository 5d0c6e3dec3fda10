import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { DependencyHealth } from './dependency-health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealth,
  ) {}

  /** The process is up and its event loop answers; never depends on other servers. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Ready to do work: 200 only while Kafka (and Redis, for services that use it) answer; else 503. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const checks = [() => this.dependencies.kafka()];
    if (this.dependencies.usesRedis) checks.push(() => this.dependencies.redisPing());
    return this.health.check(checks);
  }
}
