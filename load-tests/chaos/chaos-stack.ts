import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { waitFor } from '@claims-mesh/testing';

/** The repository root, found upwards from here: this file runs from its source (jest) and from dist. */
export const ROOT = (function findRoot(dir: string): string {
  if (existsSync(join(dir, 'nx.json'))) return dir;
  if (dirname(dir) === dir) throw new Error('no nx.json above load-tests/chaos');
  return findRoot(dirname(dir));
})(__dirname);
const STACK = join(ROOT, 'infra', 'local', 'stack');
/** What the mesh needs; Jaeger is left out (the services run with tracing off). */
const COMPONENTS = ['kafka', 'registry', 'redis', 'triton'];

/** KEY=VALUE lines (values optionally in double quotes), comments and blank lines skipped. */
export function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]] = match[2].trim().replace(/^"(.*)"$/, '$1');
  }
  return env;
}

function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  return signal(pid, 0);
}

/**
 * A local stack of its own (infra/local/stack with the ports and data dir of an env file such as
 * infra/local/chaos/chaos.env), which chaos runs may restart and kill parts of without touching
 * the shared stack other work uses.
 */
export class ChaosStack {
  readonly dataDir: string;

  private constructor(
    private readonly env: Record<string, string>,
    readonly brokers: number,
  ) {
    this.dataDir = isAbsolute(env.STACK_DATA) ? env.STACK_DATA : join(ROOT, env.STACK_DATA);
  }

  static fromEnvFile(file: string, brokers = 1): ChaosStack {
    const env = readEnvFile(file);
    for (const key of ['STACK_DATA', 'KAFKA_PORT', 'REGISTRY_PORT', 'REDIS_PORT', 'TRITON_GRPC_PORTS', 'TRITON_HTTP_PORTS']) {
      if (!env[key]) throw new Error(`${file} does not set ${key}`);
    }
    return new ChaosStack(env, brokers);
  }

  /** The client port of broker `node` (1-based): KAFKA_PORT + 2(node - 1), as components/kafka.sh lays them out. */
  brokerPort(node: number): number {
    return Number(this.env.KAFKA_PORT) + 2 * (node - 1);
  }

  get kafkaBrokers(): string {
    return Array.from({ length: this.brokers }, (_, i) => `127.0.0.1:${this.brokerPort(i + 1)}`).join(',');
  }

  get registryUrl(): string {
    return `http://127.0.0.1:${this.env.REGISTRY_PORT}/apis/ccompat/v7`;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.env.REDIS_PORT}`;
  }

  /** gRPC host:port of each Triton shard. */
  get tritonShards(): string[] {
    return this.env.TRITON_GRPC_PORTS.split(/\s+/).map((port) => `127.0.0.1:${port}`);
  }

  get servicePortBase(): number {
    return Number(this.env.CHAOS_SERVICE_PORT_BASE ?? 23000);
  }

  /** The environment the six services need to run against this stack. */
  serviceEnv(): Record<string, string> {
    return {
      KAFKA_BROKERS: this.kafkaBrokers,
      SCHEMA_REGISTRY_URL: this.registryUrl,
      REDIS_URL: this.redisUrl,
      TRITON_SHARDS: this.tritonShards.join(','),
      OTEL_SDK_DISABLED: 'true',
      // KAFKA_INSTANCE_ID is given per replica by ChaosMesh: a restarted replica is a static member
      // (group.instance.id) that takes its partitions back at once, instead of waiting out its
      // killed predecessor's 30 s session in a rebalance.
    };
  }

  /**
   * Starts from an empty data dir, so the run's topics and Redis hold its own claims only. The
   * components start side by side (each `stack up NAME` is independent), which halves the wait.
   */
  async upFresh(): Promise<void> {
    await this.down();
    rmSync(this.dataDir, { recursive: true, force: true });
    await Promise.all(COMPONENTS.map((name) => this.run('up', name)));
  }

  async down(): Promise<void> {
    if (existsSync(this.dataDir)) await this.run('down', ...COMPONENTS);
  }

  /** SIGKILLs broker `node` (the single broker: the stack's kafka process). */
  killBroker(node = 1): number {
    const pid = this.brokerPid(node);
    if (pid === undefined || !signal(pid, 'SIGKILL')) throw new Error(`kafka node ${node} is not running`);
    return pid;
  }

  /**
   * Brings a killed broker back: the single broker through `stack up kafka`; a cluster's node is
   * started again by its supervisor (infra/local/kafka/nodes.sh), which is waited for.
   */
  async restartBroker(node = 1, killedPid?: number): Promise<void> {
    if (this.brokers === 1) {
      if (killedPid !== undefined) await waitFor('the killed broker to exit', async () => (isAlive(killedPid) ? undefined : true), 30_000);
      await this.run('up', 'kafka');
      return;
    }
    await waitFor(
      `kafka node ${node} to be started again`,
      async () => {
        const pid = this.brokerPid(node);
        const back = pid !== undefined && pid !== killedPid && (await this.acceptsConnections(this.brokerPort(node)));
        return back || undefined;
      },
      120_000,
      500,
    );
  }

  /** SIGKILLs the tritonserver of one shard; infra/local/triton/shards.py starts it again a few seconds later. */
  killTritonShard(index: number): number {
    const port = this.env.TRITON_GRPC_PORTS.split(/\s+/)[index];
    const pid = Number(readFileSync(join(this.dataDir, 'triton', `shard-${port}.pid`), 'utf8').trim());
    if (!signal(pid, 'SIGKILL')) throw new Error(`triton shard ${port} (pid ${pid}) is not running`);
    return pid;
  }

  /** Waits until the shard answers ready again (all its models loaded). */
  async tritonShardReady(index: number, timeoutMs = 120_000): Promise<void> {
    const httpPort = this.env.TRITON_HTTP_PORTS.split(/\s+/)[index];
    await waitFor(
      `triton shard ${index} to be ready again`,
      async () => (await fetch(`http://127.0.0.1:${httpPort}/v2/health/ready`)).ok || undefined,
      timeoutMs,
      500,
    );
  }

  private brokerPid(node: number): number | undefined {
    const file =
      this.brokers === 1 ? join(this.dataDir, 'pids', 'kafka.pid') : join(this.dataDir, 'kafka', `node-${node}`, 'kafka.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim().split(/\s+/)[0]);
    return pid > 0 && isAlive(pid) ? pid : undefined;
  }

  private acceptsConnections(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }

  /** Runs infra/local/stack with this stack's environment; its output goes to stderr with a prefix. */
  private run(...args: string[]): Promise<void> {
    const env = { ...process.env, ...this.env, STACK_DATA: this.dataDir, KAFKA_NODES: String(this.brokers) };
    return new Promise((resolve, reject) => {
      const child = spawn(STACK, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const relay = (chunk: Buffer) => process.stderr.write(chunk.toString().replace(/^\[stack\]/gm, '[chaos-stack]'));
      child.stdout.on('data', relay);
      child.stderr.on('data', relay);
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`stack ${args.join(' ')} exited with ${code}`))));
    });
  }
}
