import { AvroSerde, ClaimSubmitted, valueSchema } from '@claims-mesh/contracts';
import { stack } from '@claims-mesh/testing';
import type { Kafka, KafkaAdmin, KafkaProducer } from '@claims-mesh/kafka';
import { testProducer } from '@claims-mesh/testing';
import { encodedClaims, LoadRecord, percentile, produceAtRate } from '../kafka-hop/load';
import { HopSample, OutputReader } from '../kafka-hop/output-reader';
import { drainFigures, log, NO_LATENCY, VariantResult } from '../kafka-hop/variant-run';
import { MACHINE_LABEL, machineBusyCpuSeconds } from '../shared/stack-cpu';

/** A hop that turns each record of `input` into one record of `output` keyed by the same claim id. */
export interface HopUnderTest {
  readonly name: string;
  readonly label: string;
  readonly input: string;
  readonly output: string;
  start(): Promise<void>;
  /** Partition batches handled so far and records in them. */
  batches(): Promise<{ count: number; records: number }>;
  /** What the hop logged, shown when it did not deliver everything. */
  logs?(): string;
  /** CPU seconds used so far by the processes doing the hop's work, by name. */
  cpuSeconds?(): Promise<Record<string, number>>;
  /** Stops the hop and removes whatever it created (groups, topics, store keys). */
  stop(): Promise<void>;
}

/** A hop's figures, with the CPU its processes used during the closed loop (cores, by process). */
export type HopResult = VariantResult & { cpuCores: Record<string, number> };

export interface FeedSettings {
  records: number;
  /** Most records written and not yet seen on the output, across partitions. */
  window: number;
  rate: number;
  latencySeconds: number;
  warmupSeconds: number;
  drainTimeoutMs: number;
  claim: () => ClaimSubmitted;
}

/** Records sent through a hop before measuring: group join, fetch sessions and JIT are behind us. */
export const WARMUP_RECORDS = Number(process.env.BENCH_WARMUP_RECORDS ?? 2000);
const CHUNK = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The hop's own CPU figures, and the whole machine's after them (the same for every hop). */
async function cpuSecondsOf(hop: HopUnderTest): Promise<Record<string, number>> {
  return { ...((await hop.cpuSeconds?.()) ?? {}), [MACHINE_LABEL]: machineBusyCpuSeconds() };
}

/**
 * Throughput, then latency, of one hop:
 *   1. a closed loop writes N records while keeping at most `window` of them unseen on the
 *      output, so the hop always has work but never faces a backlog bigger than the window;
 *      throughput = N / (last output seen - first record written);
 *   2. records at a fixed rate; hop latency = output CreateTime - input CreateTime ("stamped")
 *      and output arrival at the reader - input CreateTime ("seen").
 */
export async function measureHop(
  hop: HopUnderTest,
  settings: FeedSettings,
  admin: KafkaAdmin,
  kafka: Kafka,
): Promise<HopResult> {
  // Every topic a hop reads is ClaimSubmitted (claims.submitted.v1 or a throw-away copy of it).
  const serde = AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));
  const sentAt = new Map<string, number>();
  let reader: OutputReader | undefined;
  const samples = () => reader?.samples ?? [];
  const since = (start: number): HopSample[] => samples().filter((s) => s.sentAt >= start);
  // A producer per hop: one that wrote to a topic deleted since fails its next metadata refresh.
  const load = testProducer(kafka);
  try {
    await load.connect();
    const startedAt = Date.now();
    await hop.start();
    reader = await OutputReader.start(admin, hop.output, sentAt);
    const warmup = await encodedClaims(serde, hop.input, WARMUP_RECORDS, settings.claim);
    const warmupDeadline = Date.now() + 60_000;
    await feedWithin(
      load,
      hop.input,
      warmup,
      settings.window,
      sentAt,
      () => samples().length,
      warmupDeadline,
    );
    await waitUntil(
      () => samples().length >= WARMUP_RECORDS,
      warmupDeadline - Date.now(),
      `${hop.label} to start`,
    );
    const startupMs = Date.now() - startedAt;

    log(`${hop.label}: ${settings.records} records, at most ${settings.window} unseen`);
    const messages = await encodedClaims(serde, hop.input, settings.records, settings.claim);
    const before = samples().length;
    const cpuBefore = await cpuSecondsOf(hop);
    const feedStart = Date.now();
    const deadline = feedStart + settings.drainTimeoutMs;
    await feedWithin(
      load,
      hop.input,
      messages,
      settings.window,
      sentAt,
      () => samples().length,
      deadline,
    );
    await waitUntil(() => samples().length >= before + settings.records, deadline - Date.now());
    const fed = since(feedStart);
    const lastSeen = fed.reduce((max, s) => Math.max(max, s.sentAt + s.seenMs), feedStart);
    const seconds = Math.max(0.001, (lastSeen - feedStart) / 1000);
    const batches = await hop.batches();
    const cpuAfter = await cpuSecondsOf(hop);
    const cpuCores = Object.fromEntries(
      Object.entries(cpuAfter).map(([name, s]) => [name, (s - (cpuBefore[name] ?? NaN)) / seconds]),
    );
    const drain = drainFigures({
      records: settings.records,
      recordBytes: messages[0]?.value.length ?? 0,
      batches,
      committed: fed.length,
      seconds,
      startupMs,
    });
    if (!drain.complete) {
      // A stalled hop would stall the latency phase too.
      console.warn(
        `${hop.label} delivered ${fed.length} of ${settings.records}; logs (tail):\n${hop.logs?.().slice(-3000)}`,
      );
      return { name: hop.name, label: hop.label, drain, latency: NO_LATENCY, cpuCores };
    }

    log(`${hop.label}: ${settings.rate} rec/s for ${settings.latencySeconds} s`);
    const sentBefore = sentAt.size;
    const phaseStart = Date.now();
    await produceAtRate(
      load,
      serde,
      hop.input,
      settings.rate,
      settings.latencySeconds,
      sentAt,
      settings.claim,
    );
    const sent = sentAt.size - sentBefore;
    await waitUntil(() => since(phaseStart).length >= sent, 15_000);
    const phase = since(phaseStart);
    const kept = phase.filter((s) => s.sentAt >= phaseStart + settings.warmupSeconds * 1000);
    const seen = kept.map((s) => s.seenMs).sort((a, b) => a - b);
    const stamped = kept.map((s) => s.stampedMs).sort((a, b) => a - b);
    return {
      name: hop.name,
      label: hop.label,
      drain,
      cpuCores,
      latency: {
        sent,
        seen: phase.length,
        sampled: kept.length,
        p50Ms: percentile(seen, 50),
        p99Ms: percentile(seen, 99),
        maxMs: seen[seen.length - 1] ?? NaN,
        stampedP50Ms: percentile(stamped, 50),
        stampedP99Ms: percentile(stamped, 99),
      },
    };
  } finally {
    await load.disconnect().catch(() => undefined);
    await reader?.stop().catch(() => undefined);
    await hop.stop();
  }
}

/**
 * Writes `messages` in chunks, each stamped with its send time (CreateTime and `sentAt`),
 * whenever fewer than `window` written records are still unseen on the output. Gives up
 * at `deadline` (a stalled hop), leaving the rest unwritten.
 */
async function feedWithin(
  producer: KafkaProducer,
  topic: string,
  messages: LoadRecord[],
  window: number,
  sentAt: Map<string, number>,
  seen: () => number,
  deadline: number,
): Promise<void> {
  const seenBefore = seen();
  const pending = new Set<Promise<unknown>>();
  let sent = 0;
  while (sent < messages.length && Date.now() < deadline) {
    if (sent - (seen() - seenBefore) + CHUNK > window) {
      await sleep(2);
      continue;
    }
    const now = Date.now();
    const chunk = messages.slice(sent, sent + CHUNK).map((m) => ({ ...m, timestamp: String(now) }));
    for (const m of chunk) sentAt.set(m.key, now);
    const send = producer.send({ topic, messages: chunk });
    pending.add(send);
    void send.finally(() => pending.delete(send)).catch(() => undefined);
    sent += chunk.length;
  }
  await Promise.all(pending);
}

/** Polls `done` until true; at the deadline throws when `what` is named, else returns (the figures show the shortfall). */
async function waitUntil(done: () => boolean, timeoutMs: number, what?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      if (what) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return;
    }
    await sleep(10);
  }
}
