// Erasure across the mesh: a customer's claims at several stages (decided, under review, in the
// feature history) are erased through audit's API; once every store reports it done, no Redis
// key of any service holds the customer's personal values, while another customer's data is
// intact.
import { randomUUID } from 'node:crypto';
import { AvroSerde, type ClaimSubmitted } from '@claims-mesh/contracts';
import Redis from 'ioredis';
import { deleteRedisKeys, Mesh, sampleClaim, sampleDecided, sampleEnriched, sampleScored, stack, subjectRefOfCustomer, testKafka, testProducer, waitFor } from '@claims-mesh/testing';

const PORT_BASE = 15400;
const RUN = randomUUID().slice(0, 8);
const ERASER = 'dev-eraser-key';
const ADMIN = 'dev-admin-key';
const STORES = ['subject-keys', 'audit-lineage', 'feature-history', 'review-tasks', 'decision-ledger', 'ingest-records'];

/** A customer whose personal values occur nowhere else, so finding one anywhere is finding theirs. */
function customer(name: string): Pick<ClaimSubmitted, 'customerId' | 'customerEmail' | 'policyId' | 'description' | 'serialNumber'> {
  return {
    customerId: `cust-${name}-${RUN}`,
    customerEmail: `${name}-${RUN}@erasure.example`,
    policyId: `POL-${name}-${RUN}`,
    description: `the ${name} ${RUN} dropped the phone`,
    serialNumber: `SN-${name}-${RUN}`,
  };
}

describe('erasure reaches every store of the mesh (real Kafka, registry, Redis, Triton)', () => {
  let mesh: Mesh;
  let redis: Redis;
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  const producer = testProducer(testKafka('it-erasure'));

  beforeAll(async () => {
    mesh = await Mesh.start(PORT_BASE);
    redis = new Redis(stack.redisUrl);
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    redis?.disconnect();
    await mesh?.stop();
    for (const pattern of mesh?.redisKeyPatterns ?? []) await deleteRedisKeys(pattern);
  });

  async function send(topic: string, value: { claimId: string }): Promise<void> {
    await producer.send({ topic, messages: [{ key: value.claimId, value: await serde.encode(topic, value) }] });
  }

  /** Every key of the mesh's stores with its whole value as text. */
  async function meshRedisText(): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const pattern of mesh.redisKeyPatterns) {
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

  function keysHolding(text: Map<string, string>, values: string[]): string[] {
    return [...text].filter(([key, value]) => values.some((v) => key.includes(v) || value.includes(v))).map(([key]) => key);
  }

  async function call<T>(method: string, path: string, key: string): Promise<{ status: number; body: T }> {
    const res = await fetch(mesh.service('audit').url(path), { method, headers: { 'x-api-key': key } });
    return { status: res.status, body: (await res.json()) as T };
  }

  it('erases the subject from the feature history, the ledger, the review tasks and audit, and leaves another subject as it was', async () => {
    const erased = customer('erased');
    const kept = customer('kept');
    const claims = [erased, kept].map((who) => sampleClaim({ ...who }));
    const underReview = [erased, kept].map((who) => sampleClaim({ ...who }));
    // Through the whole mesh: feature history, scores, the decision ledger, audit.
    for (const claim of [...claims, ...underReview]) await send('claims.submitted.v1', claim);
    // And a REVIEW decision of each customer's second claim, so human-task holds a task of both whatever the model scores.
    for (const claim of underReview) await send('claims.decided.v1', sampleDecided(sampleScored(sampleEnriched(claim))));

    const personal = (who: ReturnType<typeof customer>) => Object.values(who);
    const before = await waitFor('both customers in the ledger, the tasks and audit', async () => {
      const text = await meshRedisText();
      const holding = keysHolding(text, [erased.customerId]);
      const prefixes = ['decision-it-', 'human-task-it-', 'audit-it-'];
      return prefixes.every((p) => holding.some((key) => key.startsWith(p))) && keysHolding(text, [kept.customerId]).length >= 3 ? text : undefined;
    }, 90_000, 500);
    // Other tests' claims may flow through the mesh too: only these two customers' histories are looked at.
    const historyOf = (text: Map<string, string>, who: ReturnType<typeof customer>) =>
      [...text.keys()].filter((key) => key.startsWith('features:') && key.endsWith(`:customer:${subjectRefOfCustomer(who.customerId)}:history`));
    expect(historyOf(before, erased)).toHaveLength(1);
    expect(historyOf(before, kept)).toHaveLength(1);

    const requested = await call<{ subjectRef: string; complete: boolean }>('DELETE', `/v1/subjects/${erased.customerId}`, ERASER);
    expect(requested.status).toBe(202);
    const status = await waitFor('every store done', async () => {
      const res = await call<{ complete: boolean; stores: { store: string; done: boolean; removed: Record<string, number> }[] }>('GET', `/v1/subjects/${erased.customerId}/erasure`, ERASER);
      return res.body.complete ? res.body : undefined;
    }, 60_000, 500);
    expect(status.stores.map((s) => s.store)).toEqual(STORES);
    expect(Object.fromEntries(status.stores.map((s) => [s.store, s.removed]))).toEqual({
      'subject-keys': { keys: expect.any(Number) },
      'audit-lineage': { claims: 2 },
      'feature-history': { histories: 1 },
      'review-tasks': { tasks: expect.any(Number) },
      'decision-ledger': { decisions: expect.any(Number) },
      'ingest-records': { records: 0 },
    });

    expect(status.stores.find((s) => s.store === 'review-tasks')?.removed.tasks).toBeGreaterThanOrEqual(1);

    const after = await meshRedisText();
    expect(keysHolding(after, personal(erased))).toEqual([]);
    const keptKeys = keysHolding(after, [kept.customerId]);
    for (const prefix of ['decision-it-', 'human-task-it-', 'audit-it-']) expect(keptKeys.some((key) => key.startsWith(prefix))).toBe(true);
    expect(requested.body.subjectRef).toBe(subjectRefOfCustomer(erased.customerId));
    expect(historyOf(after, erased)).toEqual([]);
    expect(historyOf(after, kept)).toHaveLength(1);

    // Audit's API shows the kept customer's data and none of the erased one's, even to admin.
    for (const [claim, visible] of [[claims[0], false], [claims[1], true]] as const) {
      const lineage = await call<{ claim: ClaimSubmitted }>('GET', `/v1/lineage/${claim.claimId}`, ADMIN);
      expect(lineage.body.claim.customerId === claim.customerId).toBe(visible);
    }
  }, 240_000);
});
