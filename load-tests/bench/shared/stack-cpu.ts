import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { stack } from '@claims-mesh/testing';
import Redis from 'ioredis';

/** Where infra/local/stack keeps its servers' pid files (STACK_DATA, as in infra/local/lib.sh). */
const STACK_PIDS = resolve(process.env.STACK_DATA ?? resolve(__dirname, '../../../../.stack'), 'pids');
/** Linux counts a process's CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * Servers of the local stack whose CPU a bench can report: label -> the component whose pid
 * file infra/local/stack writes. Triton's pid file names the server; its Python model stubs
 * are processes of their own and are not counted.
 */
const STACK_SERVERS = { 'kafka broker': 'kafka', jaeger: 'jaeger', 'triton server': 'triton' } as const;
type StackServer = keyof typeof STACK_SERVERS;

/**
 * CPU seconds used so far by servers of the local stack (the broker and Jaeger by default),
 * read from /proc/<pid>/stat. A hop's throughput on this machine is bounded by every process
 * it keeps busy, and the broker (and Jaeger, when spans are exported) are among them.
 * NaN for a server that is not running here.
 */
export function stackCpuSeconds(servers: readonly StackServer[] = ['kafka broker', 'jaeger']): Record<string, number> {
  return Object.fromEntries(servers.map((label) => [label, processCpuSeconds(pidOf(STACK_SERVERS[label]))]));
}

/** The pid in the stack's pid file of `component` (kafka, jaeger, triton...), undefined when there is none. */
export function pidOf(component: string): number | undefined {
  try {
    const [pid] = readFileSync(resolve(STACK_PIDS, `${component}.pid`), 'utf8').trim().split(/\s+/);
    return Number(pid) || undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used so far (user + system, from /proc), NaN when it is gone. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** CPU seconds Redis has used since it started (INFO cpu), NaN when it cannot be asked. */
export async function redisCpuSeconds(): Promise<number> {
  const redis = new Redis(stack.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    return field('used_cpu_user') + field('used_cpu_sys');
  } catch {
    return NaN;
  } finally {
    redis.disconnect();
  }
}

/** The label of machineBusyCpuSeconds in a bench's CPU figures; it names the cores there are. */
export const MACHINE_LABEL = `whole machine (of ${availableParallelism()} cores)`;

/**
 * CPU seconds the whole machine has been busy so far: every process and the kernel's work for
 * them (the first line of /proc/stat: user, nice, system, irq and softirq; idle, iowait and
 * time stolen by the hypervisor left out). Next to the per-process figures it shows whether a
 * closed loop had cores to spare: at the core count, a hop is bounded by the CPU all its
 * processes spend per record, and no amount of overlap inside one of them makes it faster.
 */
export function machineBusyCpuSeconds(): number {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq] = ticks;
  return (user + nice + system + irq + softirq) / TICKS_PER_SECOND;
}

/** CPU seconds this process has used so far. */
export function benchProcessCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
