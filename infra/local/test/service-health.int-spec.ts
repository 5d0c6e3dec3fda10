import { randomUUID } from 'node:crypto';
import { AvroSerde } from '@claims-mesh/contracts';
import { DEAD_PORT, sampleClaim, ServiceProcess, stack, startGroupAtEnd, testKafka, testProducer, waitFor } from '@claims-mesh/testing';
import { liveRepository } from '@claims-mesh/triton';

// Each service with the port it is tested on (away from DESIGN.md's ports, so a running
// `make demo` does not interfere) and the dependencies its readiness reports.
const SERVICES: [name: string, port: number, readiness: string[]][] = [
  ['ingest', 13001, ['consumer', 'kafka', 'redis', 'status-consumer']],
  ['feature', 13002, ['consumer', 'kafka', 'redis']],
  ['inference-gateway', 13003, ['consumer', 'kafka', 'routing', 'triton']],
  ['decision', 13004, ['consumer', 'kafka', 'redis']],
  ['human-task', 13005, ['consumer', 'kafka', 'redis']],
  ['audit', 13006, ['consumer', 'kafka', 'redis']],
  ['rollout-controller', 13008, ['consumer', 'kafka', 'rollout']],
];

// What a service needs beyond the stack's defaults. The controller gets a family and a group of
// its own, so the steps it may propose never reach the gateways of the other specs.
function environment(name: string): Record<string, string> {
  if (name !== 'rollout-controller') return {};
  const run = randomUUID();
  return { MODEL_FAMILY: `it-health-${run}`, KAFKA_GROUP_ID: `it-health-${run}`, TRITON_MODEL_REPOSITORY: process.env.TRITON_MODEL_REPOSITORY ?? liveRepository() };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(SERVICES)('%s service', (name, port, readiness) => {
  it('boots and is ready with the local stack', async () => {
    const service = ServiceProcess.start(name, port, environment(name));
    try {
      await service.listening();
      expect((await getJson(service.url('/health/live'))).status).toBe(200);
      // Readiness is polled, as an orchestrator does: a consumer that is still joining its group
      // (ingest's status consumer, on a broker that has just started) is rightly reported not ready.
      const ready = await waitFor(`${name} to be ready`, async () => {
        const answer = await getJson(service.url('/health/ready'));
        return answer.status === 200 ? answer : undefined;
      }, 60_000);
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
    const service = ServiceProcess.start(name, port, { ...environment(name), KAFKA_BROKERS: `127.0.0.1:${DEAD_PORT}` });
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
      const service = ServiceProcess.start(name, port, { ...environment(name), REDIS_URL: `redis://127.0.0.1:${DEAD_PORT}` });
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

describe('a consumer that stops making progress', () => {
  it('is reported in /health/ready under consumer, naming the partition, while the rest stays up', async () => {
    // Feature with Redis gone: Kafka answers, but every batch of claims.submitted.v1 fails and is retried.
    const groupId = `it-stall-${randomUUID()}`;
    await startGroupAtEnd(groupId, ['claims.submitted.v1']);
    const service = ServiceProcess.start('feature', 13007, {
      KAFKA_GROUP_ID: groupId,
      REDIS_URL: `redis://127.0.0.1:${DEAD_PORT}`,
      CONSUMER_STALL_SECONDS: '2',
    });
    const producer = testProducer(testKafka('it-stall'));
    try {
      await service.listening();
      expect((await getJson(service.url('/health/ready'))).body.details).toHaveProperty('consumer.status', 'up');

      await producer.connect();
      const claim = sampleClaim();
      const value = await AvroSerde.forRegistry(stack.registryUrl).encode('claims.submitted.v1', claim);
      const [written] = await producer.send({ topic: 'claims.submitted.v1', messages: [{ key: claim.claimId, value }] });

      const ready = await waitFor('readiness to report the stalled consumer', async () => {
        const answer = await getJson(service.url('/health/ready'));
        return (answer.body.error as Record<string, { status: string }> | undefined)?.consumer?.status === 'down' ? answer : undefined;
      }, 30_000);
      expect(ready.status).toBe(503);
      expect(ready.body.details).toHaveProperty('kafka.status', 'up');
      expect(JSON.stringify(ready.body.error)).toContain(`claims.submitted.v1/${written.partition}`);
    } finally {
      await producer.disconnect();
      await service.stop();
    }
  });
});
