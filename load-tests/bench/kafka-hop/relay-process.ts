import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Relay, RelayStats } from './relays';
import { RelayKind } from './relay-kinds';

/** Between a relay process (relay-host.js) and the bench that started it. */
export type RelayHostMessage =
  | { type: 'ready' }
  | { type: 'stats'; id: number; stats?: RelayStats };

/**
 * A relay of RELAY_KINDS running in a process of its own (relay-host.js): its CPU can be read
 * apart from the bench's load producer and reader, and a kafkajs relay does not share an event
 * loop with anything else.
 */
export class RelayProcess implements Relay {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (stats: RelayStats) => void>();

  constructor(
    readonly kind: RelayKind,
    readonly groupId: string,
    private readonly input: string,
    private readonly output: string,
    /** Added to the process's environment (the run's PII secrets, for the relays that seal or open). */
    private readonly env: Record<string, string> = {},
  ) {}

  /** The process id, for its CPU time; undefined before start(). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    const child = fork(join(__dirname, 'relay-host.js'), [this.kind, this.groupId, this.input, this.output], {
      env: { ...process.env, ...this.env },
    });
    this.child = child;
    child.on('message', (message: RelayHostMessage) => {
      if (message.type === 'stats' && message.stats) {
        this.waiting.get(message.id)?.(message.stats);
        this.waiting.delete(message.id);
      }
    });
    return new Promise((resolve, reject) => {
      child.once('message', (message: RelayHostMessage) => (message.type === 'ready' ? resolve() : undefined));
      child.once('exit', (code) => reject(new Error(`${this.kind} relay ${this.input} -> ${this.output} exited with ${code}`)));
    });
  }

  stats(): Promise<RelayStats> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.resolve({ batches: { count: 0, records: 0 }, transactions: 0 });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      child.send({ type: 'stats', id } satisfies RelayHostMessage);
    });
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }
}

/** SIGTERM, then SIGKILL if it has not exited after 20 s. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.removeAllListeners('exit');
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
