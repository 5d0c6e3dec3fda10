import { randomUUID } from 'node:crypto';
import { AvroSerde, ClaimDecided, ReviewCompleted, Topic } from '@claims-mesh/contracts';
import type { KafkaProducer } from '@claims-mesh/kafka';
import { openPersonalData, sampleClaim, sampleDecided, sampleScored, sampleEnriched, ServiceProcess, stack, startGroupAtEnd, testKafka, testProducer, TopicTail, waitFor } from '@claims-mesh/testing';
import Redis from 'ioredis';

export const DECIDED: Topic = 'claims.decided.v1';
export const COMPLETED: Topic = 'reviews.completed.v1';
/** reviews:read + reviews:write, caller id reviewer-dev. */
export const REVIEWER_KEY = 'dev-reviewer-key';
export const REVIEWER_ID = 'reviewer-dev';
/** Another caller with both review scopes, caller id admin-dev. */
export const OTHER_REVIEWER_KEY = 'dev-admin-key';
export const OTHER_REVIEWER_ID = 'admin-dev';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A REVIEW decision waiting for a human, with its own claim and actionId. */
export function reviewDecision(
  overrides: { fraudProbability?: number; amountMinor?: number; product?: string; decidedAt?: number; description?: string } = {},
): ClaimDecided {
  const claim = sampleClaim({
    amountMinor: overrides.amountMinor ?? 45_900,
    product: overrides.product ?? 'phone',
    description: overrides.description ?? 'Screen cracked after a fall.',
  });
  const scored = { ...sampleScored(sampleEnriched(claim)), fraudProbability: overrides.fraudProbability ?? 0.42 };
  const decided = sampleDecided(scored);
  return overrides.decidedAt === undefined ? decided : { ...decided, timestamps: { ...decided.timestamps, decidedAt: overrides.decidedAt } };
}

/**
 * The built human-task service as a real process, under a fresh consumer group set to the
 * end of claims.decided.v1 (so it sees only this test's decisions) and its own Redis key
 * prefix (so lists and gauges hold only this test's tasks; removed at stop).
 */
export class HumanTaskUnderTest {
  private constructor(
    readonly service: ServiceProcess,
    private readonly producer: KafkaProducer,
    private readonly serde: AvroSerde,
    readonly redisPrefix: string,
  ) {}

  static async start(port: number, env: Record<string, string> = {}): Promise<HumanTaskUnderTest> {
    const kafka = testKafka('it-human-task');
    const groupId = `human-task-it-${randomUUID()}`;
    await startGroupAtEnd(groupId, [DECIDED]);
    const redisPrefix = `it-human-task-${randomUUID().slice(0, 8)}`;
    const service = ServiceProcess.start('human-task', port, { KAFKA_GROUP_ID: groupId, REDIS_KEY_PREFIX: redisPrefix, ...env });
    const producer = testProducer(kafka);
    await Promise.all([service.listening(), producer.connect()]);
    return new HumanTaskUnderTest(service, producer, AvroSerde.forRegistry(stack.registryUrl), redisPrefix);
  }

  url(path: string): string {
    return this.service.url(path);
  }

  /** Produces the decisions (key = claimId) as the decision service does, in this order. */
  async publish(...decisions: ClaimDecided[]): Promise<void> {
    await this.publishWithHeaders({}, ...decisions);
  }

  async publishWithHeaders(headers: Record<string, string>, ...decisions: ClaimDecided[]): Promise<void> {
    const messages = await Promise.all(decisions.map(async (d) => ({ key: d.claimId, value: await this.serde.encode(DECIDED, d), headers })));
    await this.producer.send({ topic: DECIDED, messages });
  }

  async api<T = Record<string, unknown>>(path: string, options: { key?: string | null; method?: string; body?: unknown } = {}): Promise<Answer<T>> {
    const key = options.key === undefined ? REVIEWER_KEY : options.key;
    const headers: Record<string, string> = {};
    if (key) headers['x-api-key'] = key;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.url(path), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  claim(taskId: string, key = REVIEWER_KEY): Promise<Answer> {
    return this.api(`/v1/tasks/${taskId}/claim`, { method: 'POST', key });
  }

  complete(taskId: string, body: unknown, key = REVIEWER_KEY): Promise<Answer> {
    return this.api(`/v1/tasks/${taskId}/complete`, { method: 'POST', key, body });
  }

  /** The task once the service has consumed its decision. */
  async task(taskId: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    return waitFor(`task ${taskId}`, async () => {
      const answer = await this.api(`/v1/tasks/${taskId}`);
      return answer.status === 200 ? answer.body : undefined;
    }, timeoutMs);
  }

  async metric(name: string): Promise<number | undefined> {
    const text = await (await fetch(this.url('/metrics'))).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  async stop(): Promise<void> {
    await this.service.stop();
    await this.producer.disconnect();
    const redis = new Redis(stack.redisUrl);
    try {
      for await (const keys of redis.scanStream({ match: `${this.redisPrefix}:*`, count: 1000 })) {
        if ((keys as string[]).length) await redis.del(...(keys as string[]));
      }
    } finally {
      redis.disconnect();
    }
  }
}

/** Reads reviews.completed.v1 and decodes what concerns one claim, its personal data opened (the reviewer and note are sealed on the topic). */
export class CompletedReviews {
  private readonly serde = AvroSerde.forRegistry(stack.registryUrl);

  private constructor(private readonly reader: TopicTail) {}

  static async start(): Promise<CompletedReviews> {
    return new CompletedReviews(await TopicTail.start(testKafka('it-human-task-reader'), [COMPLETED]));
  }

  async of(claimId: string): Promise<ReviewCompleted[]> {
    const mine = this.reader.byKey(COMPLETED).get(claimId) ?? [];
    return Promise.all(mine.map(async (m) => openPersonalData(COMPLETED, { ...(await this.serde.decode<ReviewCompleted>(COMPLETED, m.value)) })));
  }

  /** The W3C traceparent header of each of the claim's records. */
  traceparentsOf(claimId: string): (string | undefined)[] {
    return (this.reader.byKey(COMPLETED).get(claimId) ?? []).map((m) => m.headers?.traceparent?.toString());
  }

  /** Waits for the claim's first verdict, then a moment more so a duplicate would be seen too. */
  async settled(claimId: string, settleMs = 2000): Promise<ReviewCompleted[]> {
    await waitFor(`a reviews.completed.v1 record for claim ${claimId}`, async () => ((await this.of(claimId)).length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return this.of(claimId);
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}
