import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, printTable } from '../kafka-hop/report';

/**
 * Environment that makes a service write a V8 CPU profile into `dir` when it exits (it does
 * on SIGTERM: NestJS shutdown hooks end the process normally).
 */
export function cpuProfileEnv(dir: string | undefined): Record<string, string> {
  return dir
    ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${dir}`.trim() }
    : {};
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfMs: number;
  share: number;
}

/** Where the time went in the newest profile of `dir`: self time by function and by package. */
export function hotSpots(dir: string, top = 15): { file: string; functions: HotSpot[]; packages: HotSpot[] } {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .pop();
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    total += us;
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const fn = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const pkg = packageOf(frame);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  });
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: total ? us / total : 0 }));
  return { file: join(dir, file), functions: ranked(functions), packages: ranked(packages) };
}

/** Prints the hot spots of the newest profile in `dir` as two tables. */
export function printHotSpots(dir: string, label: string): ReturnType<typeof hotSpots> {
  const spots = hotSpots(dir);
  console.log(`\n${label}: CPU profile ${spots.file}, self time`);
  for (const [title, list] of [
    ['package', spots.packages],
    ['function', spots.functions],
  ] as const) {
    printTable([
      [title, 'self ms', 'share'],
      ...list.map((s) => [s.name, fmt(s.selfMs), `${fmt(s.share * 100, 1)} %`]),
    ]);
  }
  return spots;
}

/** node_modules package, workspace project, node internals, or V8's own entries ((idle), (garbage collector)...). */
function packageOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const project = /\/(services|libs)\/([^/]+)\//.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const project = /\/((services|libs)\/.*)$/.exec(url);
  return project ? project[1] : url.replace(/^file:\/\//, '');
}
