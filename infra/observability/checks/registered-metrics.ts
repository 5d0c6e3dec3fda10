import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';

const ROOT = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'dist' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Names of the metrics the mesh's code registers with prom-client: the `name:` of every
 * Counter/Gauge/Histogram in libs/ and services/ sources, plus names handed to a helper that
 * builds the metric (`gaugeFromRedis(registry, 'reviews_open_tasks', ...)`), read from the
 * sources so a renamed metric fails the dashboard and rules checks.
 */
export function metricsRegisteredInSources(): Set<string> {
  const names = new Set<string>();
  const files = ['libs', 'services'].flatMap((top) =>
    readdirSync(join(ROOT, top)).flatMap((pkg) => {
      const src = join(ROOT, top, pkg, 'src');
      return statSync(src, { throwIfNoEntry: false })?.isDirectory() ? sourceFiles(src) : [];
    }),
  );
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    if (!source.includes("from 'prom-client'")) continue;
    for (const m of source.matchAll(/\bname:\s*'([a-z][a-z0-9_]*)'/g)) names.add(m[1]);
    for (const m of source.matchAll(/\(\s*registry\s*,\s*'([a-z][a-z0-9_]*)'/g)) names.add(m[1]);
  }
  return names;
}

/** The Node process metrics every service's registry collects (prom-client's defaults). */
export async function defaultProcessMetrics(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  return new Set(metrics.map((m) => m.name));
}

/**
 * What Triton's metrics port serves that the dashboard reads (Triton is not ours to scan;
 * the names are those of Triton's metrics documentation, seen on the stack's shards).
 */
export const TRITON_METRICS = new Set([
  'nv_inference_request_success',
  'nv_inference_request_failure',
  'nv_inference_count',
  'nv_inference_exec_count',
  'nv_inference_request_duration_us',
  'nv_inference_queue_duration_us',
  'nv_inference_pending_request_count',
]);

/** Series Prometheus itself adds for every target. */
export const SCRAPE_METRICS = new Set(['up', 'scrape_duration_seconds']);
