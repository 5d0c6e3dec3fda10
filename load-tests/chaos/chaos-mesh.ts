import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESH_SERVICES, ServiceProcess, waitFor } from '@claims-mesh/testing';

/**
 * The six services as real processes on the chaos stack, in their default consumer groups (the
 * stack is fresh, so they start at the beginning of empty topics). A service can be SIGKILLed
 * and started again; the output of every generation of every service is kept for the report.
 */
export class ChaosMesh {
  private readonly running = new Map<string, ServiceProcess>();
  private readonly finished: ServiceProcess[] = [];

  private constructor(
    private readonly portBase: number,
    private readonly env: Record<string, string>,
  ) {}

  static async start(portBase: number, env: Record<string, string>): Promise<ChaosMesh> {
    const mesh = new ChaosMesh(portBase, env);
    await Promise.all(MESH_SERVICES.map((name) => mesh.startService(name)));
    return mesh;
  }

  service(name: string): ServiceProcess {
    const service = this.running.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service;
  }

  portOf(name: string): number {
    return this.portBase + MESH_SERVICES.indexOf(name) + 1;
  }

  /** SIGKILL, as a crash or an OOM kill would end it: no shutdown hook runs, nothing is flushed. */
  async kill(name: string): Promise<void> {
    const service = this.service(name);
    if (service.pid === undefined) throw new Error(`${name} has no pid`);
    process.kill(service.pid, 'SIGKILL');
    await waitFor(`${name} to die`, async () => (service.running ? undefined : true), 10_000, 50);
    this.running.delete(name);
    this.finished.push(service);
  }

  /** Starts the service again and waits until it reports ready (Kafka connected, consuming). */
  async startService(name: string): Promise<void> {
    const service = ServiceProcess.start(name, this.portOf(name), this.env);
    this.running.set(name, service);
    try {
      await service.listening(60_000);
      await waitFor(`${name} to be ready`, async () => (await fetch(service.url('/health/ready'))).ok || undefined, 120_000, 500);
    } catch (error) {
      // The run ends here and its logs are never written: keep the reason with the error.
      const state = service.running ? 'still running' : 'exited';
      throw new Error(`${(error as Error).message}; ${name} ${state}, its output ends:\n${service.logs.slice(-3000)}`);
    }
  }

  /** Services that exited without being killed by the run: a crash the run did not cause. */
  crashed(): string[] {
    return [...this.running.values()].filter((s) => !s.running).map((s) => s.name);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => s.stop()));
    this.finished.push(...this.running.values());
    this.running.clear();
  }

  /** Writes each service process's output to DIR/NAME-N.log (N = generation: 1 first start, 2 after a kill). */
  writeLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const generation = new Map<string, number>();
    for (const service of [...this.finished, ...this.running.values()]) {
      const n = (generation.get(service.name) ?? 0) + 1;
      generation.set(service.name, n);
      writeFileSync(join(dir, `${service.name}-${n}.log`), service.logs);
    }
  }
}
