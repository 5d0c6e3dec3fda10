import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VariantResult } from './variant-run';

export const LATENCY_DEFINITION =
  'seen: output arrival at a read_committed reader (same process clock) minus the input record CreateTime, set by the load producer at send; ' +
  'stamped: output record CreateTime (set by the relay producer when it builds the send, before ack/commit) minus the input CreateTime';

/** A figure with thousands separators, '-' when there is none. */
export const fmt = (x: number, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '-';

/** Prints rows as aligned columns: the first left-aligned, the others right-aligned, a rule under the header. */
export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const [i, row] of rows.entries()) {
    console.log(
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** Throughput of the variant named `name` over the bare relay's in the same run. */
export function ratioOverBare(results: VariantResult[], name: string): number | undefined {
  const bare = results.find((r) => r.name === 'bare');
  const r = results.find((x) => x.name === name);
  return bare && r ? r.drain.recordsPerSecond / bare.drain.recordsPerSecond : undefined;
}

export const CPU_DEFINITION =
  'CPU µs/rec: CPU seconds (user + system, /proc) per record relayed, hop = the relay process, broker = the Kafka broker; ' +
  'drain: from the relay process being up to the last input committed; at rate: over the fixed-rate phase (the broker then also serves the load producer and the reader)';

const cpuCells = (cpu: { hopUs: number; brokerUs: number } | undefined) =>
  cpu ? [`${fmt(cpu.hopUs, 1)} + ${fmt(cpu.brokerUs, 1)}`] : ['-'];

/** One row per variant: drain throughput next to the bare relay, then the hop latency and CPU at the fixed rate. */
export function printHopTable(results: VariantResult[]): void {
  printTable([
    [
      'variant',
      'rec/s',
      'drain s',
      'vs bare',
      'batch',
      'drain CPU µs/rec hop + broker',
      'seen p50',
      'seen p99',
      'seen max',
      'stamped p50',
      'stamped p99',
      'at-rate CPU µs/rec hop + broker',
      'txn/s',
      'samples',
      'lost',
    ],
    ...results.map((r) => [
      r.label + (r.drain.complete ? '' : ' (INCOMPLETE)'),
      fmt(r.drain.recordsPerSecond),
      fmt(r.drain.seconds, 2),
      fmt(ratioOverBare(results, r.name) ?? NaN, 2),
      fmt(r.drain.meanBatch),
      ...cpuCells(r.drain.cpu),
      fmt(r.latency.p50Ms, 1),
      fmt(r.latency.p99Ms, 1),
      fmt(r.latency.maxMs, 1),
      fmt(r.latency.stampedP50Ms, 1),
      fmt(r.latency.stampedP99Ms, 1),
      ...cpuCells(r.latency.cpu),
      fmt(r.latency.transactionsPerSecond ?? NaN, 1),
      String(r.latency.sampled),
      String(r.latency.sent - r.latency.seen),
    ]),
  ]);
}

/** Writes results/bench/<benchmark>.json at the repository root. */
export function writeResult(benchmark: string, json: Record<string, unknown>): void {
  const file = join(__dirname, '..', '..', '..', '..', 'results', 'bench', `${benchmark}.json`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  console.log(`written ${file}`);
}
