// Erasure across the mesh (issue 26): a customer's claims at every stage (decided, under review,
// dead-lettered, in flight while the erasure runs, in the feature history) are erased through
// audit's API. Once every store reports it done, no API, no Redis key of any service and no record
// of any topic read from its beginning (opened with the key store, as the services open them)
// yields the customer's personal data, while another customer's reads normally.
import { randomUUID } from 'node:crypto';
import { type ClaimSubmitted, dlqTopicOf, meshTopics } from '@claims-mesh/contracts';
import Redis from 'ioredis';
import { scanTopics } from '../../../load-tests/chaos/topic-scan';
import {
  claimRequest,
  deleteRedisKeys,
  Mesh,
  openSealedText,
  sampleClaim,
  sealingSerde,
  stack,
  subjectRefOfCustomer,
  TopicTail,
  testKafka,
  testProducer,
  waitFor,
} from '@claims-mesh/testing';

const PORT_BASE = 15400;
const RUN = randomUUID().slice(0, 8);
const INGEST = 'dev-ingest-key';
const ERASER = 'dev-eraser-key';
const ADMIN = 'dev-admin-key';
const REVIEWER = 'dev-reviewer-key';
const STORES = ['subject-keys', 'audit-lineage', 'feature-history', 'review-tasks', 'decision-ledger', 'ingest-records'];
/** Envelopes of sealed personal data (libs/contracts/src/pii/envelope.ts), in any text. */
const ENVELOPE = /pii1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]{38,}/g;

type Personal = Pick<ClaimSubmitted, 'customerId' | 'customerEmail' | 'policyId' | 'description' | 'serialNumber'>;

/** A customer whose personal values occur nowhere else, so finding one anywhere is finding theirs. */
function customer(name: string): Personal {
  return {
    customerId: `cust-${name}-${RUN}`,
    customerEmail: `${name}-${RUN}@erasure.example`,
    policyId: `POL-${name}-${RUN}`,
    description: `the ${name} ${RUN} dropped the phone`,
    serialNumber: `SN-${name}-${RUN}`,
  };
}

const values = (who: Personal) => Object.values(who) as string[];

/** What a text yields of these values: in clear, or once each envelope in it is opened with the key store. */
async function yielded(text: string, wanted: string[]): Promise<string[]> {
  const opened = await Promise.all([...text.matchAll(ENVELOPE)].map(([envelope]) => openSealedText(envelope)));
  const readable = [text, ...opened.filter((plain): plain is string => plain !== null)];
  return wanted.filter((value) => readable.some((part) => part.includes(value)));
}

describe('erasure reaches every copy of the mesh (real Kafka, registry, Redis, Triton)', () => {
  let mesh: Mesh;
  let redis: Redis;
  let deadLetters: TopicTail;
  const erased = customer('erased');
  const kept = customer('kept');
  const producer = testProducer(testKafka('it-erasure'));

  beforeAll(async () => {
    mesh = await Mesh.start(PORT_BASE);
    redis = new Redis(stack.redisUrl);
    deadLetters = await TopicTail.start(testKafka('it-erasure-dlq'), [dlqTopicOf('claims.submitted.v1')]);
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await deadLetters?.stop();
    redis?.disconnect();
    await mesh?.stop();
    for (const pattern of mesh?.redisKeyPatterns ?? []) await deleteRedisKeys(pattern);
  });

  async function call<T>(service: string, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(mesh.service(service).url(path), {
      method,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function submit(who: Personal, amountMinor: number): Promise<string> {
    const res = await call<{ claimId: string }>('ingest', 'POST', '/v1/claims', INGEST, claimRequest({ ...who, amountMinor }));
    expect(res.status).toBe(202);
    return res.body.claimId;
  }

  /** Every key of the mesh's stores and the subjects' key store, with its whole value as text. */
  async function meshRedisText(): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const pattern of [...mesh.redisKeyPatterns, 'pii:key:*']) {
      for await (const keys of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
        for (const key of keys) {
          const type = await redis.type(key);
          const value =
            type === 'string' ? await redis.get(key)
            : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
            : type === 'set' ? JSON.stringify(await redis.smembers(key))
            : type === 'zset' ? JSON.stringify(await redis.zrange(key, 0, -1))
            : '';
          found.set(key, value ?? '');
        }
      }
    }
    return found;
  }

  /** The Redis keys from which the values can be read (in clear or opened). */
  async function redisKeysYielding(wanted: string[]): Promise<string[]> {
    const holding: string[] = [];
    for (const [key, value] of await meshRedisText()) if ((await yielded(`${key} ${value}`, wanted)).length > 0) holding.push(key);
    return holding;
  }

  /**
   * The records of every topic of the mesh (dead letters and control topics too), from its
   * beginning until nothing more comes (read_committed, so a transactional topic's commit markers
   * are never waited for), with a client of its own, that `keep` keeps (looking at each record's
   * key and value as text): in each partition's order, so the last record of a key is its last.
   */
  async function topicRecords(keep: (topic: string, key: string, text: string) => boolean): Promise<{ topic: string; key: string; text: string }[]> {
    const kept: { topic: string; key: string; text: string }[] = [];
    let scanned = 0;
    const topics = meshTopics().map((t) => t.name);
    await scanTopics(stack.kafkaBrokers, topics, (message) => {
      scanned++;
      const key = message.key?.toString() ?? '';
      const text = `${key} ${message.value?.toString('latin1') ?? ''}`;
      if (keep(message.topic, key, text)) kept.push({ topic: message.topic, key, text });
    }, 10_000);
    expect(scanned).toBeGreaterThan(0);
    return kept;
  }

  it('leaves none of an erased customer\'s personal data readable in any API, Redis key or topic, and another customer\'s as it was', async () => {
    const claims = { erased: [] as string[], kept: [] as string[] };
    for (const [name, who] of [['erased', erased], ['kept', kept]] as const) {
      claims[name].push(await submit(who, 45_900)); // decided automatically
      claims[name].push(await submit(who, 900_000)); // over the automatic limit: a review task
    }
    // Dead-lettered: a claim sealed as ingest would, that feature refuses (a negative amount).
    const refused = sampleClaim({ ...erased, amountMinor: -5 });
    await producer.send({ topic: 'claims.submitted.v1', messages: [{ key: refused.claimId, value: (await sealingSerde().encode('claims.submitted.v1', refused)) as Buffer }] });

    // Before: both customers' data can be read back where the mesh keeps it.
    const erasedRef = subjectRefOfCustomer(erased.customerId);
    const keptRef = subjectRefOfCustomer(kept.customerId);
    const storesOf = async (who: Personal, ref: string) => {
      const text = await meshRedisText();
      const holding = await redisKeysYielding([who.customerId]);
      return {
        services: ['decision-it-', 'human-task-it-', 'audit-it-'].filter((p) => holding.some((key) => key.startsWith(p))),
        history: [...text.keys()].some((key) => key.startsWith('features:') && key.endsWith(`:customer:${ref}:history`)),
        dataKey: text.has(`pii:key:${ref}`),
      };
    };
    const everywhere = { services: ['decision-it-', 'human-task-it-', 'audit-it-'], history: true, dataKey: true };
    let seen: unknown;
    await waitFor('both customers in every store, the refused claim dead-lettered', async () => {
      seen = { erased: await storesOf(erased, erasedRef), kept: await storesOf(kept, keptRef), deadLettered: deadLetters.byKey(dlqTopicOf('claims.submitted.v1')).has(refused.claimId) };
      return JSON.stringify(seen) === JSON.stringify({ erased: everywhere, kept: everywhere, deadLettered: true }) ? true : undefined;
    }, 120_000, 1000).catch((error: Error) => {
      throw new Error(`${error.message}; found ${JSON.stringify(seen)}`);
    });
    const lineageBefore = await call<{ claim: ClaimSubmitted }>('audit', 'GET', `/v1/lineage/${claims.erased[0]}`, ADMIN);
    expect(lineageBefore.body.claim.customerId).toBe(erased.customerId);

    // In flight: accepted (sealed under the customer's key) just before the erasure, decided while it runs.
    claims.erased.push(await submit(erased, 45_900));
    const requested = await call<{ subjectRef: string }>('audit', 'DELETE', `/v1/subjects/${erased.customerId}`, ERASER);
    expect(requested.status).toBe(202);
    expect(requested.body.subjectRef).toBe(subjectRefOfCustomer(erased.customerId));
    const status = await waitFor('every store done', async () => {
      const res = await call<{ complete: boolean; stores: { store: string }[] }>('audit', 'GET', `/v1/subjects/${erased.customerId}/erasure`, ERASER);
      return res.body.complete ? res.body : undefined;
    }, 90_000, 500);
    expect(status.stores.map((s) => s.store)).toEqual(STORES);
    await waitFor('the in-flight claim decided and in its lineage', async () => {
      const lineage = await call<{ stages: { stage: string }[] }>('audit', 'GET', `/v1/lineage/${claims.erased[2]}`, ADMIN);
      return lineage.body.stages?.some((s) => s.stage === 'decided') ? true : undefined;
    }, 90_000, 1000);

    // APIs: audit's lineage (even to admin), the review tasks, the claim status.
    for (const claimId of claims.erased) {
      const lineage = await call<object>('audit', 'GET', `/v1/lineage/${claimId}`, ADMIN);
      expect(await yielded(JSON.stringify(lineage.body), values(erased))).toEqual([]);
      expect((await call<object>('ingest', 'GET', `/v1/claims/${claimId}`, INGEST)).status).toBe(200);
    }
    const keptLineage = await call<{ claim: ClaimSubmitted }>('audit', 'GET', `/v1/lineage/${claims.kept[0]}`, ADMIN);
    expect(keptLineage.body.claim).toMatchObject(kept);
    const tasks = await call<{ tasks: { claimId: string; claim: Record<string, unknown> }[] }>('human-task', 'GET', '/v1/tasks?limit=100', REVIEWER);
    const taskOf = (claimId: string) => tasks.body.tasks.find((t) => t.claimId === claimId);
    expect(await yielded(JSON.stringify(taskOf(claims.erased[1])), values(erased))).toEqual([]);
    expect(taskOf(claims.kept[1])?.claim).toMatchObject({ customerId: kept.customerId, description: kept.description });

    // Redis: no key of any service yields the erased customer's values, their history and data key are gone; the kept one's are there.
    expect(await redisKeysYielding(values(erased))).toEqual([]);
    expect(await storesOf(erased, erasedRef)).toEqual({ services: [], history: false, dataKey: false });
    expect(await storesOf(kept, keptRef)).toEqual(everywhere);

    // Kafka: every topic from its beginning; the erased subject's key ends in a tombstone on pii.keys.v1.
    const found: string[] = [];
    const keptFound = new Set<string>();
    const keyRecords: string[] = [];
    // Only records naming either subject (by ref, or a value in plain text) can yield their data: the others are not kept.
    const naming = (text: string) => text.includes(erasedRef) || text.includes(keptRef) || values(erased).some((v) => text.includes(v));
    for (const { topic, key, text } of await topicRecords((topic, key, text) => (topic === 'pii.keys.v1' && key === erasedRef) || naming(text))) {
      if (topic === 'pii.keys.v1' && key === erasedRef) keyRecords.push(text.slice(key.length + 1));
      if (!naming(text)) continue;
      for (const value of await yielded(text, values(erased))) found.push(`${topic} ${key}: ${value}`);
      if ((await yielded(text, [kept.customerId])).length > 0) keptFound.add(topic);
    }
    expect(found).toEqual([]);
    expect(keyRecords.length).toBeGreaterThan(0);
    expect(keyRecords[keyRecords.length - 1]).toBe(''); // the tombstone
    for (const topic of ['claims.submitted.v1', 'claims.enriched.v1', 'claims.scored.v1', 'claims.decided.v1']) expect(keptFound).toContain(topic);
  }, 600_000);
});
