import { HealthIndicatorService } from '@nestjs/terminus';
import type { KafkaHealthProbe } from '@claims-mesh/kafka';
import { DependencyHealth } from './dependency-health';
import { ReadinessCheck, ReadinessChecks } from './readiness-checks';

const checkOf = (name: string, check: ReadinessCheck['check']): ReadinessCheck => ({ name, check });

describe('ReadinessChecks', () => {
  it('keeps the checks a service registers, in order', () => {
    const checks = new ReadinessChecks();
    checks.register(checkOf('triton', async () => ({ ready: true })));
    checks.register(checkOf('search', async () => ({ ready: true })));
    expect(checks.all.map((c) => c.name)).toEqual(['triton', 'search']);
  });

  it('refuses a second check of the same name, and the platform names kafka and redis', () => {
    const checks = new ReadinessChecks();
    checks.register(checkOf('triton', async () => ({ ready: true })));
    for (const name of ['triton', 'kafka', 'redis'])
      expect(() => checks.register(checkOf(name, async () => ({ ready: true })))).toThrow(
        `'${name}' is already registered`,
      );
  });
});

describe('DependencyHealth.contributed', () => {
  const health = new DependencyHealth(new HealthIndicatorService(), {} as KafkaHealthProbe);

  it('is up under the check name, with its details, when the check is ready', async () => {
    const result = await health.contributed(
      checkOf('triton', async () => ({ ready: true, details: { shards: 2 } })),
    );
    expect(result).toEqual({ triton: { status: 'up', shards: 2 } });
  });

  it('is down with the details when the check is not ready', async () => {
    const result = await health.contributed(
      checkOf('triton', async () => ({ ready: false, details: { message: 'no shard' } })),
    );
    expect(result).toEqual({ triton: { status: 'down', message: 'no shard' } });
  });

  it('is down with the error message when the check throws', async () => {
    const result = await health.contributed(
      checkOf('triton', async () => {
        throw new Error('connection refused');
      }),
    );
    expect(result).toEqual({ triton: { status: 'down', message: 'connection refused' } });
  });
});
