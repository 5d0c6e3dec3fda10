import { createServer } from 'node:net';
import { ServiceProcess, stack, waitFor } from '@claims-mesh/testing';
import { startGateway } from './gateway-harness';

interface Indicator {
  status: 'up' | 'down';
  message?: string;
  shards?: Record<string, string>;
}

interface ReadyBody {
  status: 'ok' | 'error';
  info: Record<string, Indicator>;
  error: Record<string, Indicator>;
}

/** Loopback ports nothing listens on: each was free a moment ago and is closed again. */
async function unusedPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** /health/ready once Kafka is up in it, so what the test sees is Triton's doing. */
async function readinessWithKafkaUp(service: ServiceProcess): Promise<{ status: number; body: ReadyBody }> {
  return waitFor(`${service.name} on ${service.port} to reach Kafka`, async () => {
    const response = await fetch(service.url('/health/ready'));
    const body = (await response.json()) as ReadyBody;
    return body.info?.kafka?.status === 'up' ? { status: response.status, body } : undefined;
  });
}

describe('inference gateway: Triton in /health/ready (real Triton)', () => {
  let live: ServiceProcess;
  let dead: ServiceProcess;
  let deadShards: string[];

  beforeAll(async () => {
    deadShards = (await unusedPorts(2)).map((port) => `127.0.0.1:${port}`);
    [live, dead] = await Promise.all([
      startGateway(13303),
      startGateway(13304, { TRITON_SHARDS: deadShards.join(','), TRITON_TIMEOUT_MS: '500' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([live?.stop(), dead?.stop()]);
  });

  it('is 200 with every Triton shard ready for the student and the teacher', async () => {
    const { status, body } = await readinessWithKafkaUp(live);
    expect(status).toBe(200);
    expect(body.info.triton.status).toBe('up');
    expect(body.info.triton).toMatchObject({ models: ['fraud_student:1', 'fraud_teacher:1'], ejected: [] });
    expect(body.info.triton.shards).toEqual(
      Object.fromEntries(stack.tritonShards.map((shard) => [shard, 'ready'])),
    );
  });

  it('is 503 naming triton, and why each shard is out, when no shard answers', async () => {
    const { status, body } = await readinessWithKafkaUp(dead);
    expect(status).toBe(503);
    expect(Object.keys(body.error)).toEqual(['triton']);
    expect(body.error.triton.status).toBe('down');
    expect(body.error.triton.message).toMatch(/no Triton shard is ready/);
    expect(Object.keys(body.error.triton.shards ?? {})).toEqual(deadShards);
    for (const state of Object.values(body.error.triton.shards ?? {}))
      expect(state).toMatch(/^unreachable: /);
  });
});
