import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { stack, waitFor } from '@claims-mesh/testing';

// Deny by default, end to end: a service whose route has neither @RequiresScope nor @Public()
// does not start (real process, booted through bootstrapService), and says which route; the same
// service with the route scoped starts and asks for a key.

const WORKER = join(__dirname, 'fixtures', 'routes-service.worker.js');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(port: number, forgottenScope: string): Run {
  const child = spawn(process.execPath, [WORKER], {
    env: { ...process.env, PORT: String(port), FORGOTTEN_SCOPE: forgottenScope, KAFKA_BROKERS: stack.kafkaBrokers, SCHEMA_REGISTRY_URL: stack.registryUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('deny by default at boot (a real service process)', () => {
  it('refuses to start with a route that has neither a scope nor @Public, naming it', async () => {
    const run = start(13851, '');
    const code = await Promise.race([run.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 60_000))]);
    if (code === 'running') run.child.kill('SIGKILL');
    expect(code).not.toBe('running');
    expect(code).not.toBe(0);
    expect(run.output()).toMatch(/POST \/v1\/forgotten \(ThingsController\.forget\): neither @RequiresScope nor @Public\(\)/);
    // Only the culprit is named: the scoped route and the platform's public ones pass.
    expect(run.output()).not.toMatch(/ThingsController\.list|HealthController|MetricsController/);
  }, 90_000);

  it('starts once the route has a scope, and then asks for a key', async () => {
    const run = start(13852, 'claims:write');
    try {
      const url = (path: string) => `http://127.0.0.1:13852${path}`;
      await waitFor(
        'the service to listen',
        async () => {
          if (run.child.exitCode !== null) throw new Error(`exited: ${run.output()}`);
          return (await fetch(url('/health/live'))).status === 200 ? true : undefined;
        },
        60_000,
      );
      expect((await fetch(url('/v1/forgotten'), { method: 'POST' })).status).toBe(401);
      expect((await fetch(url('/metrics'))).status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 90_000);
});
