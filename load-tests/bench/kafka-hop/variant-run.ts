import { AvroSerde, ClaimSubmitted, valueSchema, valueSubject } from '@claims-mesh/contracts';
import { ensureTopics, GroupLagReader, KafkaAdmin, KafkaProducer } from '@claims-mesh/kafka';
import { stack } from '@claims-mesh/testing';
import { processCpuSeconds, stackCpuSeconds } from '../shared/stack-cpu';
import { fillBacklog, percentile, produceAtRate, waitCommitted } from './load';
import { OutputReader } from './output-reader';
import { RelayKind } from './relay-kinds';
import { RelayProcess } from './relay-process';

/** How one variant is run; the benchmarks that compare against the bare relay pass their own. */
export interface HopSettings {
  partitions: number;
  records: number;
  rate: number;
  /** 0 runs the drain only (a reference throughput, no latency phase). */
  latencySeconds: number;
  /** Samples sent in the first seconds of the latency phase are left out (fetch sessions settle). */
  warmupSeconds: number;
  drainTimeoutMs: number;
  /** The claims written; sampleClaim() when not given. */
  claim?: () => ClaimSubmitted;
}

export interface Variant {
  name: RelayKind;
  label: string;
}

export const VARIANTS: Variant[] = [
  { name: 'bare', label: 'bare relay (new client, native API)' },
  { name: 'transport', label: 'KafkaTransport' },
  { name: 'transactional', label: 'KafkaTransport (transactional)' },
  { name: 'kafkajs', label: 'kafkajs relay (reference)' },
  { name: 'kafkajs-transactional', label: 'kafkajs, transaction per partition batch (reference)' },
];

export function variantNamed(name: string): Variant {
  const variant = VARIANTS.find((v) => v.name === name);
  if (!variant) throw new Error(`no hop variant ${name}`);
  return variant;
}

/** CPU per record, microseconds of one core: the hop's own process and the broker. */
export interface CpuPerRecord {
  hopUs: number;
  brokerUs: number;
}

export interface VariantResult {
  name: string;
  label: string;
  drain: {
    records: number;
    recordBytes: number;
    batches: number;
    meanBatch: number;
    committed: number;
    complete: boolean;
    seconds: number;
    recordsPerSecond: number;
    startupMs: number;
    /** While the backlog was drained (the relay process only where it runs in one). */
    cpu?: CpuPerRecord;
  };
  latency: {
    sent: number;
    seen: number;
    sampled: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    stampedP50Ms: number;
    stampedP99Ms: number;
    /** While records came at the fixed rate. */
    cpu?: CpuPerRecord;
    /** Transactions the relay committed per second at the fixed rate. */
    transactionsPerSecond?: number;
  };
}

/** The drain figures of a closed-loop run: what every hop benchmark reports the same way. */
export function drainFigures(run: {
  records: number;
  recordBytes: number;
  batches: { count: number; records: number };
  committed: number;
  seconds: number;
  startupMs: number;
}): VariantResult['drain'] {
  return {
    records: run.records,
    recordBytes: run.recordBytes,
    batches: run.batches.count,
    meanBatch: run.batches.count ? run.batches.records / run.batches.count : 0,
    committed: run.committed,
    complete: run.committed >= run.records,
    seconds: run.seconds,
    recordsPerSecond: run.committed / run.seconds,
    startupMs: run.startupMs,
  };
}

/** The latency of a run that had no latency phase. */
export const NO_LATENCY: VariantResult['latency'] = {
  sent: 0,
  seen: 0,
  sampled: 0,
  p50Ms: NaN,
  p99Ms: NaN,
  maxMs: NaN,
  stampedP50Ms: NaN,
  stampedP99Ms: NaN,
};

/** Everything created on the broker and registry, removed at the end whatever happens. */
export class Scratch {
  readonly topics: string[] = [];
  readonly groups: string[] = [];

  constructor(private readonly admin: KafkaAdmin) {}

  /** Creates the topics and waits until every partition has a leader. */
  async createTopics(names: string[], partitions: number): Promise<void> {
    await ensureTopics(
      this.admin,
      names.map((name) => ({ name, partitions, replicationFactor: 1, configs: {} })),
    );
    this.topics.push(...names);
  }

  async deleteAll(): Promise<void> {
    await this.admin.deleteGroups(this.groups).catch(() => undefined);
    await this.admin
      .deleteTopics({ topics: this.topics })
      .catch((e: Error) => console.warn(`could not delete topics: ${e.message}`));
    // The serde registered `<topic>-value` subjects; soft then hard delete (404 for the never-registered is fine).
    for (const subject of this.topics.map(valueSubject)) {
      const url = `${stack.registryUrl}/subjects/${encodeURIComponent(subject)}`;
      await fetch(url, { method: 'DELETE' }).catch(() => undefined);
      await fetch(`${url}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const log = (line: string) => console.log(`[bench] ${line}`);

/** CPU seconds so far of a hop's process (a relay's, or a producer's) and of the broker. */
export function cpuNow(pid: number | undefined): { hop: number; broker: number } {
  return { hop: processCpuSeconds(pid), broker: stackCpuSeconds(['kafka broker'])['kafka broker'] };
}

export function cpuPerRecord(before: { hop: number; broker: number }, after: { hop: number; broker: number }, records: number): CpuPerRecord {
  return {
    hopUs: ((after.hop - before.hop) / records) * 1e6,
    brokerUs: ((after.broker - before.broker) / records) * 1e6,
  };
}

/**
 * One variant on fresh topics, its relay in a process of its own: drain a backlog of `records`
 * (throughput, and CPU per record while it drains), then, unless latencySeconds is 0, produce
 * at `rate` and read the output (hop latency, and CPU per record at that rate).
 */
export async function runVariant(
  variant: Variant,
  settings: HopSettings,
  runId: string,
  admin: KafkaAdmin,
  load: KafkaProducer,
  scratch: Scratch,
): Promise<VariantResult> {
  const base = `bench.${runId}.${variant.name}`;
  const [input, output] = [`${base}.in`, `${base}.out`];
  await scratch.createTopics([input, output], settings.partitions);
  const loadSerde = AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));
  const recordBytes = await fillBacklog(load, loadSerde, input, settings.records, settings.claim);

  const groupId = `${base}.relay`;
  scratch.groups.push(groupId);
  const relay = new RelayProcess(variant.name, groupId, input, output);
  log(`${variant.label}: draining ${settings.records} records`);
  const startedAt = Date.now();
  try {
    await relay.start();
    // From here on the process is up (Node started, modules loaded): its CPU is the relay's work.
    const drainCpuBefore = cpuNow(relay.pid);
    const offsets = await GroupLagReader.open({ clientId: 'bench-offsets', brokers: stack.kafkaBrokers }, groupId);
    const drained = await waitCommitted(offsets, input, settings.records, settings.drainTimeoutMs).finally(() => offsets.close());
    const drainCpu = cpuPerRecord(drainCpuBefore, cpuNow(relay.pid), Math.max(1, drained.committed));
    const stats = await relay.stats();
    const first = stats.firstRecordAt ?? drained.at;
    const seconds = Math.max(0.001, (drained.at - first) / 1000);
    const drain = {
      ...drainFigures({
        records: settings.records,
        recordBytes,
        batches: stats.batches,
        committed: drained.committed,
        seconds,
        startupMs: first - startedAt,
      }),
      cpu: drainCpu,
    };
    if (settings.latencySeconds <= 0) return { name: variant.name, label: variant.label, drain, latency: NO_LATENCY };

    log(`${variant.label}: ${settings.rate} rec/s for ${settings.latencySeconds} s`);
    const sentAt = new Map<string, number>();
    const reader = await OutputReader.start(admin, output, sentAt);
    const phaseStart = Date.now();
    const cpuBefore = cpuNow(relay.pid);
    const transactionsBefore = stats.transactions;
    await produceAtRate(load, loadSerde, input, settings.rate, settings.latencySeconds, sentAt, settings.claim);
    const waitUntil = Date.now() + 15_000;
    while (reader.samples.length < sentAt.size && Date.now() < waitUntil) await sleep(50);
    const phaseSeconds = (Date.now() - phaseStart) / 1000;
    const cpu = cpuPerRecord(cpuBefore, cpuNow(relay.pid), Math.max(1, reader.samples.length));
    const transactions = (await relay.stats()).transactions - transactionsBefore;
    await reader.stop();

    const kept = reader.samples.filter((s) => s.sentAt >= phaseStart + settings.warmupSeconds * 1000);
    const seen = kept.map((s) => s.seenMs).sort((a, b) => a - b);
    const stamped = kept.map((s) => s.stampedMs).sort((a, b) => a - b);
    return {
      name: variant.name,
      label: variant.label,
      drain,
      latency: {
        sent: sentAt.size,
        seen: reader.samples.length,
        sampled: kept.length,
        p50Ms: percentile(seen, 50),
        p99Ms: percentile(seen, 99),
        maxMs: seen[seen.length - 1] ?? NaN,
        stampedP50Ms: percentile(stamped, 50),
        stampedP99Ms: percentile(stamped, 99),
        cpu,
        transactionsPerSecond: transactions / phaseSeconds,
      },
    };
  } finally {
    await relay.stop();
  }
}
