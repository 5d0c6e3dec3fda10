import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where infra/local/stack keeps its servers' pid files (STACK_DATA, as in infra/local/lib.sh). */
const STACK_PIDS = resolve(process.env.STACK_DATA ?? resolve(__dirname, '../../../../.stack'), 'pids');
/** Linux counts a process's CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far by the local stack's Kafka broker and Jaeger, read from
 * /proc/<pid>/stat. A hop's throughput on this machine is bounded by every process it
 * keeps busy, and the broker (and Jaeger, when spans are exported) are among them.
 * NaN for a server that is not running here.
 */
export function stackCpuSeconds(servers: readonly string[] = ['kafka broker', 'jaeger']): Record<string, number> {
  return Object.fromEntries(servers.map((name) => [name, processCpuSeconds(pidOf(name.split(' ')[0]))]));
}

function pidOf(component: string): number | undefined {
  try {
    const [pid] = readFileSync(resolve(STACK_PIDS, `${component}.pid`), 'utf8').trim().split(/\s+/);
    return Number(pid) || undefined;
  } catch {
    return undefined;
  }
}

function processCpuSeconds(pid: number | undefined): number {
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
