import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/api-key.guard';
import { DependencyHealth } from './dependency-health';
import { ReadinessChecks } from './readiness-checks';

// Probed by the process supervisor and the load balancer, which hold no key; says nothing about claims.
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealth,
    private readonly readiness: ReadinessChecks,
  ) {}

  /** The process is up and its event loop answers; never depends on other servers. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Ready to do work: 200 only while Kafka (and Redis, for services that use it) answer and
   * every check the service registered in ReadinessChecks passes; else 503 naming what is down.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    const checks = [() => this.dependencies.kafka()];
    if (this.dependencies.usesRedis) checks.push(() => this.dependencies.redisPing());
    for (const check of this.readiness.all) checks.push(() => this.dependencies.contributed(check));
    return this.health.check(checks);
  }
}
