import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..', '..');

/** A built service running as a real process, the way `infra/local/services` runs it. */
export class ServiceProcess {
  private output = '';

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts services/NAME/dist/main.js (run `make build` first) with extra environment. */
  static start(name: string, port: number, env: Record<string, string> = {}): ServiceProcess {
    const main = join(ROOT, 'services', name, 'dist', 'main.js');
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(name, port, child);
  }

  get logs(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The exit code once the process has exited by itself (null while running or when killed by a signal). */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** True until the process exits, for whatever reason (a crash included). */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resident memory of the process now (VmRSS of /proc/PID/status), in bytes. */
  residentBytes(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (!kb) throw new Error(`no VmRSS for ${this.name} (pid ${this.child.pid})`);
    return Number(kb[1]) * 1024;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Waits until the HTTP server answers at all (any status), so health can be asserted. */
  async listening(timeoutMs = 30000): Promise<void> {
    await waitFor(
      `${this.name} to listen on ${this.port}`,
      async () => {
        if (this.child.exitCode !== null) throw new Error(`${this.name} exited: ${this.output}`);
        await fetch(this.url('/health/live'));
        return true;
      },
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
