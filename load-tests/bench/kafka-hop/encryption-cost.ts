import { randomBytes } from 'node:crypto';
import { AvroSerde } from '@claims-mesh/contracts';
import { GroupLagReader, KafkaPublisher } from '@claims-mesh/kafka';
import { SUBJECT_KEY_TOPIC } from '@claims-mesh/platform';
import { stack } from '@claims-mesh/testing';
import Redis from 'ioredis';
import { ClaimProducerProcess, ProducerMode, WARMUP_CLAIMS } from './claim-producer';
import { waitCommitted } from './load';
import { PII_KEK_ENV, PSEUDONYM_SECRET_ENV } from './personal-data-relay';
import { RelayProcess } from './relay-process';
import { fmt, printTable } from './report';
import { cpuNow, CpuPerRecord, cpuPerRecord, log, Scratch } from './variant-run';

export interface EncryptionSettings {
  partitions: number;
  /** Claims each producer publishes and each hop then drains. */
  records: number;
  /** Claims per publish() call, as ingest publishes a request's batch. */
  batch: number;
  /** Plain and sealed, both stages, this many times; the summary takes the medians. */
  rounds: number;
  drainTimeoutMs: number;
}

/** One stage in one mode: its CPU per claim (its own process and the broker's) and what it moved. */
export interface StageFigures {
  records: number;
  seconds: number;
  claimsPerSecond: number;
  cpu: CpuPerRecord;
  /** Mean Avro value bytes of the claims (sealed: envelopes in place of the personal data). */
  valueBytes: number;
  /** Distinct customers among the claims: each one's key made by the producer, fetched by the hop. */
  subjects: number;
  /** Hop only: whether every claim was committed before the drain timeout. */
  complete?: boolean;
}

type ByMode = Record<ProducerMode, StageFigures>;
interface Round {
  producer: ByMode;
  hop: ByMode;
}

export interface EncryptionRun {
  settings: EncryptionSettings;
  rounds: Round[];
}

const MODES: ProducerMode[] = ['plain', 'sealed'];

export const ENCRYPTION_DEFINITION =
  'CPU µs per claim of the stage\'s own process (user + system, /proc) and of the broker; ' +
  'producer: KafkaPublisher.publish of prepared claims in batches, as ingest publishes, from "go" to the last batch acknowledged ' +
  '(sealed: SubjectKeyStore makes each new customer\'s key: Redis GET + SET NX + a record on pii.keys.v1); ' +
  'hop: KafkaTransport with a batch handler reading claims as feature does (customer and serial pseudonyms, description length; sealed: ' +
  'every claim opened first, a subject\'s key fetched from Redis and unwrapped on its first claim, then held 60 s) and re-publishing each claim as it came, ' +
  'from the relay process being up to the last input committed; ' +
  'cost = sealed - plain (medians over rounds), share = cost / sealed; ' +
  'the claims: the feature-hop bench\'s varied claims, fresh customers a third as many as claims (skewed: some claim often), ' +
  'a run\'s KEK and pseudonym secret made at random, its keys deleted from Redis and tombstoned on pii.keys.v1 at the end';

/**
 * The cost of encrypting personal data, per claim, where the mesh pays it: a producer sealing
 * on encode (ingest) against one that does not, and a hop that opens sealed claims and
 * re-publishes them sealed (feature) against the same hop on plaintext. Each producer writes
 * the input of its mode's hop; every process is one of its own, on the stack's Redis and Kafka.
 */
export async function measureEncryption(settings: EncryptionSettings, runId: string, scratch: Scratch): Promise<EncryptionRun> {
  const env = { [PII_KEK_ENV]: randomBytes(32).toString('base64'), [PSEUDONYM_SECRET_ENV]: randomBytes(32).toString('base64') };
  const keyRefs: string[] = [];
  const rounds: Round[] = [];
  try {
    for (let r = 0; r < settings.rounds; r++) {
      const topics = (mode: ProducerMode) => ({ input: `bench.${runId}.pii-${mode}-${r}.in`, output: `bench.${runId}.pii-${mode}-${r}.out` });
      await scratch.createTopics(MODES.flatMap((mode) => Object.values(topics(mode))), settings.partitions);
      const producer = {} as ByMode;
      for (const mode of MODES) {
        const produced = await produce(mode, topics(mode).input, settings, env);
        producer[mode] = produced.figures;
        keyRefs.push(...produced.keyRefs);
      }
      const hop = {} as ByMode;
      for (const mode of MODES) {
        const { input, output } = topics(mode);
        hop[mode] = await relay(mode, input, output, `bench.${runId}.pii-${mode}-${r}.relay`, producer[mode], settings, env, scratch);
      }
      rounds.push({ producer, hop });
    }
  } finally {
    log(`removing the run's ${keyRefs.length} subject keys`);
    await removeKeys(keyRefs);
  }
  return { settings, rounds };
}

async function produce(
  mode: ProducerMode,
  topic: string,
  settings: EncryptionSettings,
  env: Record<string, string>,
): Promise<{ figures: StageFigures; keyRefs: string[] }> {
  const producer = new ClaimProducerProcess(mode, topic, settings.records, settings.batch, env);
  log(`claim producer, ${mode}: publishing ${settings.records} claims`);
  try {
    await producer.start();
    const before = cpuNow(producer.pid);
    const seconds = await producer.publish();
    const cpu = cpuPerRecord(before, cpuNow(producer.pid), settings.records);
    const { valueBytes, subjects, keyRefs } = await producer.report();
    return {
      figures: { records: settings.records, seconds, claimsPerSecond: settings.records / seconds, cpu, valueBytes, subjects },
      keyRefs,
    };
  } finally {
    await producer.stop();
  }
}

async function relay(
  mode: ProducerMode,
  input: string,
  output: string,
  groupId: string,
  produced: StageFigures,
  settings: EncryptionSettings,
  env: Record<string, string>,
  scratch: Scratch,
): Promise<StageFigures> {
  // The warm-up claims are on the input too, and are relayed like the others.
  const records = settings.records + WARMUP_CLAIMS;
  scratch.groups.push(groupId);
  const hop = new RelayProcess(`pii-${mode}`, groupId, input, output, env);
  log(`hop reading personal data, ${mode}: draining ${records} claims`);
  try {
    await hop.start();
    const before = cpuNow(hop.pid);
    const offsets = await GroupLagReader.open({ clientId: 'bench-offsets', brokers: stack.kafkaBrokers }, groupId);
    const drained = await waitCommitted(offsets, input, records, settings.drainTimeoutMs).finally(() => offsets.close());
    const cpu = cpuPerRecord(before, cpuNow(hop.pid), Math.max(1, drained.committed));
    const seconds = Math.max(0.001, (drained.at - ((await hop.stats()).firstRecordAt ?? drained.at)) / 1000);
    return {
      records,
      seconds,
      claimsPerSecond: drained.committed / seconds,
      cpu,
      valueBytes: produced.valueBytes,
      subjects: produced.subjects,
      complete: drained.committed >= records,
    };
  } finally {
    await hop.stop();
  }
}

/**
 * Deletes the run's keys from Redis and tombstones them on pii.keys.v1 (as an erasure does),
 * so a run leaves nothing behind once the topic is compacted; in bulk, where
 * SubjectKeyStore.erase would make a round trip and a publish per subject.
 */
async function removeKeys(refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  const redis = new Redis(stack.redisUrl);
  const publisher = new KafkaPublisher({ clientId: 'bench-kafka-hop-keys', brokers: stack.kafkaBrokers }, AvroSerde.forRegistry(stack.registryUrl));
  try {
    const removed: string[] = [];
    for (let i = 0; i < refs.length; i += 1000) {
      const chunk = refs.slice(i, i + 1000);
      const results = (await redis.pipeline(chunk.map((ref) => ['del', `pii:key:${ref}`])).exec()) ?? [];
      chunk.forEach((ref, k) => (results[k]?.[1] === 1 ? removed.push(ref) : undefined));
    }
    await publisher.publish(SUBJECT_KEY_TOPIC, removed.map((ref) => ({ key: ref, value: null })));
  } catch (error) {
    console.warn(`could not remove the run's subject keys: ${(error as Error).message}`);
  } finally {
    await publisher.close();
    redis.disconnect();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Medians over the rounds of one stage: CPU per claim in both modes, the cost and its share, the bytes. */
function stageSummary(rounds: Round[], stage: keyof Round) {
  const of = (mode: ProducerMode, figure: (f: StageFigures) => number) => median(rounds.map((round) => figure(round[stage][mode])));
  const plainUs = of('plain', (f) => f.cpu.hopUs);
  const sealedUs = of('sealed', (f) => f.cpu.hopUs);
  const costUs = sealedUs - plainUs;
  return {
    plainCpuUsPerClaim: plainUs,
    sealedCpuUsPerClaim: sealedUs,
    encryptionCpuUsPerClaim: costUs,
    encryptionShareOfSealedCpu: costUs / sealedUs,
    brokerPlainCpuUsPerClaim: of('plain', (f) => f.cpu.brokerUs),
    brokerSealedCpuUsPerClaim: of('sealed', (f) => f.cpu.brokerUs),
    plainValueBytes: of('plain', (f) => f.valueBytes),
    sealedValueBytes: of('sealed', (f) => f.valueBytes),
    plainClaimsPerSecond: of('plain', (f) => f.claimsPerSecond),
    sealedClaimsPerSecond: of('sealed', (f) => f.claimsPerSecond),
  };
}

/** Prints the encryption table; returns the figures for the JSON. */
export function reportEncryption({ settings, rounds }: EncryptionRun): Record<string, unknown> {
  const producer = stageSummary(rounds, 'producer');
  const hop = stageSummary(rounds, 'hop');
  const claimsPerSubject = median(rounds.map((round) => settings.records / round.producer.sealed.subjects));
  console.log(
    `\nencryption per claim: ${settings.records.toLocaleString('en-US')} claims per stage and mode, ` +
      `${fmt(claimsPerSubject, 1)} claims per customer (each customer's key made by the sealed producer, fetched once by the sealed hop), ` +
      `batches of ${settings.batch}, ${settings.rounds} round(s), medians`,
  );
  const row = (label: string, s: ReturnType<typeof stageSummary>) => [
    label,
    fmt(s.plainCpuUsPerClaim, 1),
    fmt(s.sealedCpuUsPerClaim, 1),
    fmt(s.encryptionCpuUsPerClaim, 1),
    `${fmt(s.encryptionShareOfSealedCpu * 100, 0)} %`,
    `${fmt(s.brokerPlainCpuUsPerClaim, 1)} / ${fmt(s.brokerSealedCpuUsPerClaim, 1)}`,
    `${fmt(s.plainValueBytes)} / ${fmt(s.sealedValueBytes)}`,
    `${fmt(s.plainClaimsPerSecond)} / ${fmt(s.sealedClaimsPerSecond)}`,
  ];
  printTable([
    ['stage', 'plain CPU µs/claim', 'sealed CPU µs/claim', 'encryption µs/claim', 'share of sealed', 'broker µs plain / sealed', 'value B plain / sealed', 'claims/s plain / sealed'],
    row('producer: publish, sealing on encode (ingest)', producer),
    row('hop: open, read, re-publish sealed (feature)', hop),
  ]);
  if (rounds.some((round) => !round.hop.plain.complete || !round.hop.sealed.complete)) {
    console.log('a hop did not drain every claim before the timeout (BENCH_DRAIN_TIMEOUT_MS): its figures are per claim committed');
  }
  console.log(ENCRYPTION_DEFINITION);
  return { definition: ENCRYPTION_DEFINITION, config: { ...settings, warmupClaims: WARMUP_CLAIMS, claimsPerSubject }, producer, hop, rounds };
}
