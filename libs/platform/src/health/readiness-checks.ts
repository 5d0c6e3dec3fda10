import { Injectable } from '@nestjs/common';

/** What a readiness check found; `details` appear under the check's name in the /health/ready body. */
export interface ReadinessResult {
  ready: boolean;
  details?: Record<string, unknown>;
}

/**
 * A dependency of one service that /health/ready must also see answering, beside Kafka (and
 * Redis). check() bounds its own time (e.g. a deadline on each call): readiness waits for it.
 * A rejection counts as not ready, with the error's message.
 */
export interface ReadinessCheck {
  /** Key of the check in the /health/ready body, e.g. 'triton'. */
  readonly name: string;
  check(): Promise<ReadinessResult>;
}

/** The platform's own checks: a service's check may not take their names. */
const PLATFORM_CHECKS = new Set(['kafka', 'redis']);

/**
 * The readiness checks a service adds to the platform's. A provider of the service registers
 * its check here (in its constructor or onModuleInit); /health/ready runs every registered
 * check on each request.
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    if (PLATFORM_CHECKS.has(check.name) || this.checks.has(check.name))
      throw new Error(`a readiness check named '${check.name}' is already registered`);
    this.checks.set(check.name, check);
  }

  get all(): readonly ReadinessCheck[] {
    return [...this.checks.values()];
  }
}
