import { DEAD_PORT, ServiceProcess } from '@claims-mesh/testing';

// Each service with the port it is tested on (away from DESIGN.md's ports, so a running
// `make demo` does not interfere) and the dependencies its readiness reports.
const SERVICES: [name: string, port: number, readiness: string[]][] = [
  ['ingest', 13001, ['kafka', 'redis']],
  ['feature', 13002, ['kafka', 'redis']],
  ['inference-gateway', 13003, ['kafka', 'triton']],
  ['decision', 13004, ['kafka', 'redis']],
  ['human-task', 13005, ['kafka', 'redis']],
  ['audit', 13006, ['kafka', 'redis']],
];

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(SERVICES)('%s service', (name, port, readiness) => {
  it('boots and is ready with the local stack', async () => {
    const service = ServiceProcess.start(name, port);
    try {
      await service.listening();
      expect((await getJson(service.url('/health/live'))).status).toBe(200);
      const ready = await getJson(service.url('/health/ready'));
      expect(ready.status).toBe(200);
      expect(Object.keys(ready.body.details as object).sort()).toEqual(readiness);
      const metrics = await fetch(service.url('/metrics'));
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain(`process_cpu_user_seconds_total{service="${name}"}`);
    } finally {
      await service.stop();
    }
  });

  it('answers /health/ready with 503 naming kafka while its broker is down, and stays live', async () => {
    const service = ServiceProcess.start(name, port, { KAFKA_BROKERS: `127.0.0.1:${DEAD_PORT}` });
    try {
      await service.listening();
      const ready = await getJson(service.url('/health/ready'));
      expect(ready.status).toBe(503);
      expect(ready.body.error).toHaveProperty('kafka.status', 'down');
      expect((await getJson(service.url('/health/live'))).status).toBe(200);
    } finally {
      await service.stop();
    }
  });

  if (readiness.includes('redis')) {
    it('answers /health/ready with 503 naming redis while Redis is down', async () => {
      const service = ServiceProcess.start(name, port, { REDIS_URL: `redis://127.0.0.1:${DEAD_PORT}` });
      try {
        await service.listening();
        const ready = await getJson(service.url('/health/ready'));
        expect(ready.status).toBe(503);
        expect(ready.body.error).toHaveProperty('redis.status', 'down');
      } finally {
        await service.stop();
      }
    });
  }
});
