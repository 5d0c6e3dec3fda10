import { randomUUID } from 'node:crypto';
import {
  AvroSerde,
  ClaimDecided,
  ClaimEnriched,
  ClaimScored,
  ClaimSubmitted,
  ReviewCompleted,
  Topic,
} from '@claims-mesh/contracts';
import { deadLetterOf, KafkaProducer } from '@claims-mesh/kafka';
import {
  sampleClaim,
  sampleDecided,
  sampleEnriched,
  sampleReview,
  sampleScored,
  ServiceProcess,
  startGroupAtEnd,
  stack,
  testKafka,
  testProducer,
  waitFor,
} from '@claims-mesh/testing';
import Redis from 'ioredis';
import { DEAD_LETTER_TOPICS, STAGE_TOPICS } from '../src/consumer/audited-topics';
import type { ErasureView } from '../src/erasure/erasure-view';
import type { LineageView } from '../src/lineage/lineage-view';
import type { StageEntry } from '../src/lineage/stages';

export interface ApiError {
  error: string;
  message: string;
  fields?: { field: string; problem: string }[];
}

export interface ApiReply<T> {
  status: number;
  body: T;
  /** The Location header, when the answer has one. */
  location: string | null;
}

const HOUR_MS = 3_600_000;

export const KEYS = {
  auditor: 'dev-auditor-key',
  auditorPii: 'dev-auditor-pii-key',
  eraser: 'dev-eraser-key',
  admin: 'dev-admin-key',
  ingest: 'dev-ingest-key',
};

/**
 * The built audit service as a real process, in a fresh consumer group whose offsets start
 * at the end of every audited topic (the topics are shared with other suites), and with
 * its own Redis key prefix, so lists by action and time hold only what this run indexed.
 */
export class AuditUnderTest {
  private constructor(
    readonly service: ServiceProcess,
    readonly keyPrefix: string,
  ) {}

  static async start(port: number): Promise<AuditUnderTest> {
    const groupId = `audit-it-${randomUUID()}`;
    const keyPrefix = `audit-it-${randomUUID().slice(0, 8)}`;
    await startGroupAtEnd(groupId, [...STAGE_TOPICS, ...DEAD_LETTER_TOPICS]);
    const service = ServiceProcess.start('audit', port, {
      KAFKA_GROUP_ID: groupId,
      AUDIT_KEY_PREFIX: keyPrefix,
    });
    await service.listening();
    return new AuditUnderTest(service, keyPrefix);
  }

  async get<T = ApiError>(path: string, apiKey?: string): Promise<ApiReply<T>> {
    return this.call<T>('GET', path, apiKey);
  }

  async delete<T = ApiError>(path: string, apiKey?: string): Promise<ApiReply<T>> {
    return this.call<T>('DELETE', path, apiKey);
  }

  /** The claim's lineage once `ready` holds for it (read with the auditor key unless told). */
  async lineageWhen(
    claimId: string,
    ready: (lineage: LineageView) => boolean,
    apiKey = KEYS.auditor,
    timeoutMs = 30_000,
  ): Promise<LineageView> {
    return waitFor(
      `the lineage of ${claimId}`,
      async () => {
        const res = await this.get<LineageView>(`/v1/lineage/${claimId}`, apiKey);
        return res.status === 200 && ready(res.body) ? res.body : undefined;
      },
      timeoutMs,
    );
  }

  /** The customer's erasure status once the store reports it done. */
  async erasureDoneBy(customerId: string, store: string, apiKey = KEYS.eraser): Promise<ErasureView> {
    return waitFor(`${store}'s erasure of ${customerId}`, async () => {
      const res = await this.get<ErasureView>(`/v1/subjects/${customerId}/erasure`, apiKey);
      return res.status === 200 && res.body.stores.some((s) => s.store === store && s.done) ? res.body : undefined;
    });
  }

  /** The lineage once every record of the chain is a stage of it. */
  async lineageOfChain(chain: ClaimChain, apiKey = KEYS.auditor): Promise<LineageView> {
    const count = chainRecords(chain).length;
    return this.lineageWhen(
      chain.claim.claimId,
      (lineage) => stagesOfChain(lineage, chain).length === count,
      apiKey,
    );
  }

  /** The lineage once it has `count` stages. */
  async lineageWithStages(claimId: string, count: number, apiKey = KEYS.auditor): Promise<LineageView> {
    return this.lineageWhen(claimId, (lineage) => lineage.stages.length >= count, apiKey);
  }

  /** Sum of a Prometheus series of the service over the series matching `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(this.service.url('/metrics'))).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const seriesLabels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]),
      );
      if (Object.entries(labels).every(([k, v]) => seriesLabels[k] === v)) sum += Number(match[3]);
    }
    return sum;
  }

  /** Stops the service and removes what it indexed. */
  async stop(): Promise<void> {
    await this.service.stop();
    const redis = new Redis(stack.redisUrl);
    try {
      for await (const keys of redis.scanStream({ match: `${this.keyPrefix}:*`, count: 500 })) {
        if ((keys as string[]).length) await redis.del(...(keys as string[]));
      }
    } finally {
      redis.disconnect();
    }
  }

  private async call<T>(method: string, path: string, apiKey?: string): Promise<ApiReply<T>> {
    const res = await fetch(this.service.url(path), {
      method,
      headers: apiKey ? { 'x-api-key': apiKey } : {},
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, location: res.headers.get('location') };
  }
}

/** What every value of the mesh's topics has. */
export interface MeshRecord {
  claimId: string;
  eventId: string;
}

/** The records one claim leaves on the mesh's topics, from submission to the decision after review. */
export interface ClaimChain {
  claim: ClaimSubmitted;
  enriched: ClaimEnriched;
  scored: ClaimScored;
  shadow: ClaimScored;
  review: ClaimDecided;
  reviewed: ReviewCompleted;
  final: ClaimDecided;
}

/**
 * A claim sent to review and approved by the reviewer, every record sharing the claimId.
 * Its stage times lie an hour ahead: services of the mesh running meanwhile (other suites)
 * react to these records too and add stages stamped with the current time, which then sort
 * before this chain's, so the chain's steps stay the latest of their kind.
 */
export function reviewedClaimChain(overrides: Partial<ClaimSubmitted> = {}): ClaimChain {
  const claim = sampleClaim({ customerId: `cust-${randomUUID()}`, ...overrides });
  claim.timestamps.submittedAt += HOUR_MS;
  const enriched = sampleEnriched(claim);
  const scored = sampleScored(enriched);
  const shadow: ClaimScored = {
    ...sampleScored(enriched),
    model: { name: 'fraud_teacher', version: '3' },
    route: 'SHADOW',
    shard: 'triton-1',
  };
  const review = sampleDecided(scored);
  const reviewed = sampleReview(review);
  const final: ClaimDecided = {
    ...sampleDecided(scored),
    causationId: reviewed.eventId,
    action: 'APPROVE',
    reasonCodes: ['REVIEWER_APPROVED'],
    final: true,
    reviewerOverrode: false,
    timestamps: { ...reviewed.timestamps, decidedAt: (reviewed.timestamps.reviewedAt ?? 0) + 4 },
  };
  return { claim, enriched, scored, shadow, review, reviewed, final };
}

/** The stages of the lineage that records of the chain made (not those the live mesh added reacting to them). */
export function stagesOfChain(lineage: LineageView, chain: ClaimChain): StageEntry[] {
  const eventIds = new Set(chainRecords(chain).map(([, value]) => value.eventId));
  return lineage.stages.filter((stage) => stage.eventId !== null && eventIds.has(stage.eventId));
}

/** Each record of the chain with its topic, in the order the mesh produces them. */
export function chainRecords(chain: ClaimChain): [Topic, MeshRecord][] {
  return [
    ['claims.submitted.v1', chain.claim],
    ['claims.enriched.v1', chain.enriched],
    ['claims.scored.v1', chain.scored],
    ['claims.scored.shadow.v1', chain.shadow],
    ['claims.decided.v1', chain.review],
    ['reviews.completed.v1', chain.reviewed],
    ['claims.decided.v1', chain.final],
  ];
}

/** A claim decided without review: final at `decidedAt`. */
export function decidedClaim(
  action: ClaimDecided['action'],
  decidedAt: number,
  overrides: Partial<ClaimSubmitted> = {},
): ClaimDecided {
  const claim = sampleClaim({ customerId: `cust-${randomUUID()}`, ...overrides });
  claim.timestamps.submittedAt = decidedAt - 50;
  const decided = sampleDecided(sampleScored(sampleEnriched(claim)));
  return { ...decided, action, final: true, timestamps: { ...decided.timestamps, decidedAt } };
}

/** Produces records the way the mesh's services do: Avro in the Confluent wire format, key = claimId. */
export class MeshProducer {
  readonly serde = AvroSerde.forRegistry(stack.registryUrl);

  private constructor(private readonly producer: KafkaProducer) {}

  static async connect(): Promise<MeshProducer> {
    const producer = testProducer(testKafka('it-audit'));
    await producer.connect();
    return new MeshProducer(producer);
  }

  /** Produces the records in order; with `partition` all of them go to that partition of their topic. */
  async send(records: [Topic, MeshRecord][], partition?: number): Promise<void> {
    for (const [topic, value] of records) {
      const bytes = await this.serde.encode(topic, value);
      await this.producer.send({
        topic,
        messages: [{ key: value.claimId, value: bytes, partition }],
      });
    }
  }

  /**
   * Produces the dead letter a service would write after failing on `value` (bytes as given)
   * that was read from `sourceTopic` at partition 2, offset `sourceOffset`.
   */
  async sendDeadLetter(
    sourceTopic: string,
    claimId: string | null,
    value: Buffer,
    error: Error,
    service: string,
    sourceOffset = String(Math.floor(Math.random() * 1e9)),
  ): Promise<void> {
    const letter = deadLetterOf(
      {
        topic: sourceTopic,
        partition: 2,
        message: {
          key: claimId === null ? null : Buffer.from(claimId),
          value,
          headers: {},
          offset: sourceOffset,
        },
      },
      error,
      service,
    );
    await this.producer.send({ topic: letter.topic, messages: [letter.message] });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
