import { AvroSerde, ClaimSubmitted } from '@claims-mesh/contracts';
import { sampleClaim } from '@claims-mesh/testing';
import type { GroupLagReader, KafkaProducer } from '@claims-mesh/kafka';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A record the load writes: a claim id and its Avro value (the CreateTime is stamped when it is sent). */
export interface LoadRecord {
  key: string;
  value: Buffer;
}

/** ClaimSubmitted records in the Confluent wire format, keyed by claim id like ingest does. */
export async function encodedClaims(
  serde: AvroSerde,
  topic: string,
  count: number,
  nextClaim: () => ClaimSubmitted = () => sampleClaim(),
): Promise<LoadRecord[]> {
  // Registers the schema once; after that encoding is synchronous.
  const writer = await serde.writerFor(topic);
  return Array.from({ length: count }, () => {
    const claim = nextClaim();
    return { key: claim.claimId, value: serde.encodeWith(writer, claim) };
  });
}

/** Writes `count` records into `topic` before any relay runs: the backlog a throughput run drains. */
export async function fillBacklog(
  producer: KafkaProducer,
  serde: AvroSerde,
  topic: string,
  count: number,
  nextClaim?: () => ClaimSubmitted,
): Promise<number> {
  const messages = await encodedClaims(serde, topic, count, nextClaim);
  const chunk = 5000;
  for (let i = 0; i < messages.length; i += chunk * 4) {
    // A few chunks in flight at once keep the fill short without piling up memory.
    const sends = [0, 1, 2, 3]
      .map((k) => messages.slice(i + k * chunk, i + (k + 1) * chunk))
      .filter((part) => part.length > 0)
      .map((part) => producer.send({ topic, messages: part }));
    await Promise.all(sends);
  }
  return messages[0]?.value.length ?? 0;
}

/**
 * Produces at a fixed rate for `seconds`, stamping each record's CreateTime explicitly and
 * remembering it by key, so the output side can compute the hop latency from the same clock.
 */
export async function produceAtRate(
  producer: KafkaProducer,
  serde: AvroSerde,
  topic: string,
  ratePerSecond: number,
  seconds: number,
  sentAt: Map<string, number>,
  nextClaim?: () => ClaimSubmitted,
): Promise<void> {
  const total = Math.round(ratePerSecond * seconds);
  const pool = await encodedClaims(serde, topic, total, nextClaim);
  const pending = new Set<Promise<unknown>>();
  const start = Date.now();
  let sent = 0;
  while (sent < total) {
    // Catch up to the schedule on every tick, so timer jitter does not lower the rate.
    const due = Math.min(total, Math.floor(((Date.now() - start) * ratePerSecond) / 1000));
    if (due > sent) {
      const now = Date.now();
      const messages = pool.slice(sent, due).map((m) => ({ ...m, timestamp: String(now) }));
      for (const m of messages) sentAt.set(m.key, now);
      const send = producer.send({ topic, messages });
      pending.add(send);
      void send.finally(() => pending.delete(send));
      sent = due;
    }
    await sleep(5);
  }
  await Promise.all(pending);
}

/** Sum of the committed offsets of the reader's group on `topic`: input records relayed and committed. */
async function committed(reader: GroupLagReader, topic: string): Promise<number> {
  return (await reader.committedOffsets(topic)).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/**
 * Resolves with the time all `count` input records are committed. Both relays commit only after
 * their outputs are acknowledged (or in the same transaction), so this is when the last output
 * became durable and visible. Polled every 20 ms; returns what it has at the deadline.
 */
export async function waitCommitted(
  reader: GroupLagReader,
  topic: string,
  count: number,
  timeoutMs: number,
): Promise<{ at: number; committed: number }> {
  const deadline = Date.now() + timeoutMs;
  let done = 0;
  while (Date.now() < deadline) {
    done = await committed(reader, topic).catch(() => done);
    if (done >= count) return { at: Date.now(), committed: done };
    await sleep(20);
  }
  return { at: Date.now(), committed: done };
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
