import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { HotSpot, printHotSpots } from '../shared/cpu-profile';

/** The service whose code a profile mostly ran: the most frequent services/<name>/ in its frames. */
function serviceOf(file: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { callFrame: { url: string } }[] };
  const counts = new Map<string, number>();
  for (const { callFrame } of profile.nodes) {
    const name = /\/services\/([^/]+)\/dist\//.exec(callFrame.url)?.[1];
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
}

/**
 * The services write their profiles into one directory when they exit (the Mesh gives them
 * all the same environment); each is moved into a folder named after its service and its hot
 * spots are printed.
 */
export function printServiceHotSpots(
  dir: string,
): Record<string, { packages: HotSpot[]; functions: HotSpot[] }> {
  const spots: Record<string, { packages: HotSpot[]; functions: HotSpot[] }> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const service = serviceOf(join(dir, file));
    mkdirSync(join(dir, service), { recursive: true });
    renameSync(join(dir, file), join(dir, service, file));
  }
  for (const service of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const { packages, functions } = printHotSpots(join(dir, service.name), service.name);
    spots[service.name] = { packages: packages.slice(0, 8), functions: functions.slice(0, 10) };
  }
  return spots;
}
