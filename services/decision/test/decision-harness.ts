import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  AvroSerde,
  ClaimDecided,
  ClaimScored,
  ClaimSubmitted,
  Features,
  ReviewCompleted,
  Topic,
} from '@claims-mesh/contracts';
import type { Kafka, KafkaProducer } from '@claims-mesh/kafka';
import { claimIdOutsideAuditSample, decodeOpened, sampleClaim, sealingSerde, sampleEnriched, sampleFeatures, sampleScored, ServiceProcess, startGroupAtEnd, testKafka, testProducer, TopicTail, waitFor } from '@claims-mesh/testing';

/** Where the broker put a produced record (partition, offset), as the producer reports it. */
type RecordMetadata = Awaited<ReturnType<KafkaProducer['send']>>[number];

export const SCORED: Topic = 'claims.scored.v1';
export const DECIDED: Topic = 'claims.decided.v1';
export const REVIEWS: Topic = 'reviews.completed.v1';
export const RULE_SET_VERSION = 'rules.v2';

/**
 * A fresh consumer group whose offsets on the service's input topics are set to their end:
 * the topics are shared with other suites, and this way the service sees exactly the
 * records the test sends.
 */
export async function freshGroupAtTopicEnds(): Promise<string> {
  const groupId = `decision-it-${randomUUID()}`;
  await startGroupAtEnd(groupId, [SCORED, REVIEWS]);
  return groupId;
}

/** Runs the built decision service as a real process in `groupId` (a fresh one by default). */
export async function startDecisionService(
  port: number,
  env: Record<string, string> = {},
  groupId?: string,
): Promise<ServiceProcess> {
  const service = ServiceProcess.start('decision', port, {
    KAFKA_GROUP_ID: groupId ?? (await freshGroupAtTopicEnds()),
    ...env,
  });
  await service.listening();
  return service;
}

export interface SpawnedService {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The built service as a bare child process, for the tests that need what ServiceProcess
 * does not offer: killing it with SIGKILL, or watching it exit on its own.
 */
export function spawnDecisionService(port: number, env: Record<string, string>): SpawnedService {
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

export interface ScoredOverrides {
  score?: Partial<Pick<ClaimScored, 'fraudProbability' | 'confidence' | 'route'>>;
  features?: Partial<Features>;
  claim?: Partial<ClaimSubmitted>;
}

/** A scored claim of its own claim, customer and serial number, shaped by `overrides`. */
export function scoredClaim({ score = {}, features = {}, claim = {} }: ScoredOverrides = {}): ClaimScored {
  const submitted = sampleClaim({
    // The shipped rules send a share of the claims they settle to review, drawn by id: these
    // claims are never drawn unless the test picks an id that is (claimIdInAuditSample).
    claimId: claimIdOutsideAuditSample(),
    customerId: `customer-${randomUUID()}`,
    serialNumber: `SN-${randomUUID()}`,
    ...claim,
  });
  const enriched = { ...sampleEnriched(submitted), features: sampleFeatures(features) };
  return { ...sampleScored(enriched), ...score };
}

export interface DecidedRecord {
  value: ClaimDecided;
  bytes: Buffer;
}

/** Sends what the decision service consumes and reads (read_committed) what it publishes. */
export class DecisionPipe {
  /** Claims this pipe sent something for: the only ones whose decisions it decodes. */
  private readonly claimIds = new Set<string>();
  private readonly decided = new Map<string, DecidedRecord[]>();
  private read = 0;

  private constructor(
    private readonly serde: AvroSerde,
    private readonly producer: KafkaProducer,
    private readonly reader: TopicTail,
  ) {}

  static async open(): Promise<DecisionPipe> {
    const kafka: Kafka = testKafka('it-decision');
    const producer = testProducer(kafka);
    await producer.connect();
    const reader = await TopicTail.start(kafka, [DECIDED]);
    // Inputs sealed as the services upstream seal them: a redelivered record's output is then byte-identical.
    return new DecisionPipe(sealingSerde(), producer, reader);
  }

  /** Produces scored claims (key = claimId) in order, all to `partition` when given. */
  async sendScored(claims: ClaimScored[], partition?: number): Promise<RecordMetadata[]> {
    return this.send(
      SCORED,
      claims.map((c) => ({ key: c.claimId, value: c })),
      partition,
    );
  }

  async sendReviews(reviews: ReviewCompleted[]): Promise<void> {
    await this.send(
      REVIEWS,
      reviews.map((r) => ({ key: r.claimId, value: r })),
    );
  }

  /** The decisions published for each claim so far, in publishing order. */
  async decisionsOf(claimIds: string[]): Promise<DecidedRecord[][]> {
    await this.decodeNew();
    return claimIds.map((id) => this.decided.get(id) ?? []);
  }

  /** Waits until every claim has at least `count` decisions; answers them per claim. */
  async awaitDecisions(claimIds: string[], count = 1, timeoutMs = 60_000): Promise<DecidedRecord[][]> {
    return waitFor(
      `${count} decision(s) for each of ${claimIds.length} claims`,
      async () => {
        const perClaim = await this.decisionsOf(claimIds);
        return perClaim.every((records) => records.length >= count) ? perClaim : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Sends one more claim to `partition` and waits for its decision, then a little longer:
   * by then every earlier record of that partition was handled and committed, so a
   * duplicate decision would have had its chance to show up.
   */
  async settle(partition: number): Promise<void> {
    const sentinel = scoredClaim();
    await this.sendScored([sentinel], partition);
    await this.awaitDecisions([sentinel.claimId]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }

  async close(): Promise<void> {
    await this.reader.stop();
    await this.producer.disconnect();
  }

  private async send(
    topic: Topic,
    records: { key: string; value: unknown }[],
    partition?: number,
  ): Promise<RecordMetadata[]> {
    for (const { key } of records) this.claimIds.add(key);
    const messages = await Promise.all(
      records.map(async ({ key, value }) => ({
        key,
        value: await this.serde.encode(topic, value),
        partition,
      })),
    );
    return this.producer.send({ topic, messages });
  }

  private async decodeNew(): Promise<void> {
    while (this.read < this.reader.records.length) {
      const { message } = this.reader.records[this.read++];
      const key = message.key?.toString();
      // Other suites decide claims too; only the claims this test sent are decoded.
      if (!key || !message.value || !this.claimIds.has(key)) continue;
      const value = await decodeOpened<ClaimDecided>(this.serde, DECIDED, message.value);
      const records = this.decided.get(key) ?? [];
      records.push({ value, bytes: message.value });
      this.decided.set(key, records);
    }
  }
}
