import { AvroSerde, ClaimSubmitted, valueSchema, valueSubject } from '@claims-mesh/contracts';
import { stack, testKafka } from '@claims-mesh/testing';
import { Admin, Kafka, Producer } from 'kafkajs';
import { fillBacklog, percentile, produceAtRate, waitCommitted } from './load';
import { OutputReader } from './output-reader';
import { BareRelay, Relay, TransportRelay } from './relays';

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
  name: string;
  label: string;
  relay(kafka: Kafka, serde: AvroSerde, groupId: string, input: string, output: string): Relay;
}

export const VARIANTS: Variant[] = [
  { name: 'bare', label: 'bare kafkajs relay', relay: (k, _s, g, i, o) => new BareRelay(k, g, i, o) },
  {
    name: 'transport',
    label: 'KafkaTransport',
    relay: (k, s, g, i, o) => new TransportRelay(k, s, g, i, o, false),
  },
  {
    name: 'transactional',
    label: 'KafkaTransport (transactional)',
    relay: (k, s, g, i, o) => new TransportRelay(k, s, g, i, o, true),
  },
];

export function variantNamed(name: string): Variant {
  const variant = VARIANTS.find((v) => v.name === name);
  if (!variant) throw new Error(`no hop variant ${name}`);
  return variant;
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

  constructor(private readonly admin: Admin) {}

  async createTopics(names: string[], partitions: number): Promise<void> {
    await this.admin.createTopics({
      topics: names.map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
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

/**
 * One variant on fresh topics: drain a backlog of `records` (throughput), then, unless
 * latencySeconds is 0, produce at `rate` and read the output (hop latency).
 */
export async function runVariant(
  variant: Variant,
  settings: HopSettings,
  runId: string,
  admin: Admin,
  kafka: Kafka,
  load: Producer,
  scratch: Scratch,
): Promise<VariantResult> {
  const base = `bench.${runId}.${variant.name}`;
  const [input, output] = [`${base}.in`, `${base}.out`];
  await scratch.createTopics([input, output], settings.partitions);
  const loadSerde = AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));
  const recordBytes = await fillBacklog(load, loadSerde, input, settings.records, settings.claim);

  // Its own client and serde, as a service would have; every throw-away topic is ClaimSubmitted.
  const relaySerde = AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));
  const groupId = `${base}.relay`;
  scratch.groups.push(groupId);
  const relay = variant.relay(testKafka(`bench-${variant.name}`), relaySerde, groupId, input, output);
  log(`${variant.label}: draining ${settings.records} records`);
  const startedAt = Date.now();
  await relay.start();
  const drained = await waitCommitted(admin, groupId, input, settings.records, settings.drainTimeoutMs);
  const first = relay.firstRecordAt() ?? drained.at;
  const batches = await relay.batches();
  const seconds = Math.max(0.001, (drained.at - first) / 1000);
  const drain = drainFigures({
    records: settings.records,
    recordBytes,
    batches,
    committed: drained.committed,
    seconds,
    startupMs: first - startedAt,
  });
  if (settings.latencySeconds <= 0) {
    await relay.stop();
    return { name: variant.name, label: variant.label, drain, latency: NO_LATENCY };
  }

  log(`${variant.label}: ${settings.rate} rec/s for ${settings.latencySeconds} s`);
  const sentAt = new Map<string, number>();
  const reader = new OutputReader(kafka, output, sentAt);
  scratch.groups.push(reader.groupId);
  await reader.start(admin);
  const phaseStart = Date.now();
  await produceAtRate(load, loadSerde, input, settings.rate, settings.latencySeconds, sentAt, settings.claim);
  const waitUntil = Date.now() + 15_000;
  while (reader.samples.length < sentAt.size && Date.now() < waitUntil) await sleep(50);
  await reader.stop();
  await relay.stop();

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
    },
  };
}
