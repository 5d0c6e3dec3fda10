import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESH_SERVICES, ServiceProcess, waitFor } from '@claims-mesh/testing';

/** Replica r of a service listens on the port of replica 0 plus r * REPLICA_PORT_STEP. */
const REPLICA_PORT_STEP = 100;

/**
 * The six services as real processes on the chaos stack, `replicas` of each, in their default
 * consumer groups (the stack is fresh, so they start at the beginning of empty topics): the
 * replicas of a service share its groups and split the partitions. Replica r (0-based) is the
 * group's static member `chaos-<r+1>` (KAFKA_INSTANCE_ID, also its transactional id's suffix, so
 * replicas never fence each other). A replica can be SIGKILLed and started again; the output of
 * every generation of every replica is kept for the report.
 */
export class ChaosMesh {
  private readonly running = new Map<string, ServiceProcess>();
  private readonly finished: { key: string; process: ServiceProcess }[] = [];

  private constructor(
    private readonly portBase: number,
    private readonly env: Record<string, string>,
    readonly replicas: number,
  ) {}

  static async start(portBase: number, env: Record<string, string>, replicas = 1): Promise<ChaosMesh> {
    const mesh = new ChaosMesh(portBase, env, replicas);
    await Promise.all(MESH_SERVICES.flatMap((name) => Array.from({ length: replicas }, (_, r) => mesh.startService(name, r))));
    return mesh;
  }

  service(name: string, replica = 0): ServiceProcess {
    const service = this.running.get(replicaKey(name, replica));
    if (!service) throw new Error(`${replicaKey(name, replica)} is not running`);
    return service;
  }

  portOf(name: string, replica = 0): number {
    return this.portBase + MESH_SERVICES.indexOf(name) + 1 + replica * REPLICA_PORT_STEP;
  }

  /** The replica's group.instance.id. */
  instanceId(replica: number): string {
    return `chaos-${replica + 1}`;
  }

  /** SIGKILL, as a crash or an OOM kill would end it: no shutdown hook runs, nothing is flushed. */
  async kill(name: string, replica = 0): Promise<void> {
    const key = replicaKey(name, replica);
    const service = this.service(name, replica);
    if (service.pid === undefined) throw new Error(`${key} has no pid`);
    process.kill(service.pid, 'SIGKILL');
    await waitFor(`${key} to die`, async () => (service.running ? undefined : true), 10_000, 50);
    this.running.delete(key);
    this.finished.push({ key, process: service });
  }

  /** Starts the replica (again) and waits until it reports ready (Kafka connected, consuming). */
  async startService(name: string, replica = 0): Promise<void> {
    const key = replicaKey(name, replica);
    const service = ServiceProcess.start(name, this.portOf(name, replica), { ...this.env, KAFKA_INSTANCE_ID: this.instanceId(replica) });
    this.running.set(key, service);
    try {
      await service.listening(60_000);
      await waitFor(`${key} to be ready`, async () => (await fetch(service.url('/health/ready'))).ok || undefined, 120_000, 500);
    } catch (error) {
      // The run ends here and its logs are never written: keep the reason with the error.
      const state = service.running ? 'still running' : 'exited';
      throw new Error(`${(error as Error).message}; ${key} ${state}, its output ends:\n${service.logs.slice(-3000)}`);
    }
  }

  /** Services that exited without being killed by the run: a crash the run did not cause. */
  crashed(): string[] {
    return [...this.running].filter(([, s]) => !s.running).map(([key]) => key);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => s.stop()));
    this.finished.push(...this.runningProcesses());
    this.running.clear();
  }

  private runningProcesses(): { key: string; process: ServiceProcess }[] {
    return [...this.running].map(([key, process]) => ({ key, process }));
  }

  /** Writes each process's output to DIR/NAME[#R]-N.log (N = generation: 1 first start, 2 after a kill). */
  writeLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const generation = new Map<string, number>();
    for (const { key, process } of [...this.finished, ...this.runningProcesses()]) {
      const n = (generation.get(key) ?? 0) + 1;
      generation.set(key, n);
      writeFileSync(join(dir, `${key}-${n}.log`), process.logs);
    }
  }
}

/** `decision` for the first replica (as with one replica), `decision#2` for the second. */
function replicaKey(name: string, replica: number): string {
  return replica === 0 ? name : `${name}#${replica + 1}`;
}
