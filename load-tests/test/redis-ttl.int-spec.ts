// Every Redis key the mesh writes expires: claims go through all six services (scored, decided,
// some to review and reviewed, some asked for evidence, webhooks sent), then every key of the
// mesh's own namespaces is asked its TTL. A key without one (TTL -1) would keep its data for ever,
// whatever the README's data protection table says.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { deleteRedisKeys, Mesh, stack, testKafka, TopicTail, waitFor, WebhookReceiver } from '@claims-mesh/testing';
import { ReviewerSimulator } from '../reviewer/reviewer-simulator';
import { labelledClaims } from '../synthetic/labelled-claims';
import { submitLabelledClaims } from '../synthetic/submit-claims';

const PORT_BASE = 15200;
const RUN = randomUUID().slice(0, 8);
const CLAIMS = 300;
const DECIDED = 'claims.decided.v1';
const REVIEWS = 'reviews.completed.v1';
/** The claims are posted with idempotency keys of this run, so ingest writes its idempotency records too. */
const IDEMPOTENCY_KEY = `redis-ttl-${RUN}`;
/** Ingest's idempotency records are not namespaced by INGEST_KEY_PREFIX, but by the key the client sends. */
const INGEST_IDEMPOTENCY = `ingest:idempotency:key:${IDEMPOTENCY_KEY}-*`;

describe('Redis retention: every key the mesh writes has a TTL (real Kafka, registry, Redis, Triton)', () => {
  let mesh: Mesh;
  let tail: TopicTail;
  let receiver: WebhookReceiver;
  let redis: Redis;
  const ingestPrefix = `ingest-it-${RUN}`;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start({ '/hook': () => 204 });
    const webhooks = join(mkdtempSync(join(tmpdir(), 'redis-ttl-')), 'webhooks.json');
    // The development ingest key's client (upstream-dev) gets webhooks, so ingest's outbox is written too.
    writeFileSync(webhooks, JSON.stringify({ allowedHosts: ['127.0.0.1'], clients: [{ clientId: 'upstream-dev', url: receiver.url('/hook'), secret: 'redis-ttl-test-webhook-secret' }] }));
    tail = await TopicTail.start(testKafka('it-redis-ttl'), [DECIDED, REVIEWS]);
    mesh = await Mesh.start(PORT_BASE, { INGEST_KEY_PREFIX: ingestPrefix, WEBHOOKS_FILE: webhooks, WEBHOOK_POLL_INTERVAL_MS: '50' });
    redis = new Redis(stack.redisUrl);
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await mesh?.stop();
    await tail?.stop();
    await receiver?.stop();
    for (const pattern of [...(mesh?.redisKeyPatterns ?? []), `${ingestPrefix}:*`, INGEST_IDEMPOTENCY]) await deleteRedisKeys(pattern);
  });

  /** Every key matching `pattern`, with its TTL in seconds (-1: none). */
  async function ttls(pattern: string): Promise<{ key: string; ttl: number }[]> {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) keys.push(...batch);
    const replies = (await keys.reduce((pipeline, key) => pipeline.ttl(key), redis.pipeline()).exec()) ?? [];
    return keys.map((key, i) => ({ key, ttl: Number(replies[i][1]) }));
  }

  it('leaves no key without a TTL in any store of any service', async () => {
    const truth = await submitLabelledClaims(labelledClaims(CLAIMS, { seed: 26, runId: RUN }), { ingestUrl: mesh.service('ingest').url(''), idempotencyKey: IDEMPOTENCY_KEY });
    const claimIds = truth.claimIds();
    const decided = () => claimIds.filter((id) => tail.byKey(DECIDED).has(id)).length;
    await waitFor(`decisions of all ${CLAIMS} claims`, async () => (decided() === CLAIMS ? true : undefined), 180_000, 500);

    // Reviewers complete some tasks and leave others open: both kinds of task are stored.
    const { verdicts } = await new ReviewerSimulator({
      humanTaskUrl: mesh.service('human-task').url(''),
      truth,
      maxTasks: 5,
      thinkTimeMs: 0,
      idleMs: 20_000,
    }).run();
    expect(verdicts.length).toBeGreaterThan(0);
    const reviewed = verdicts.map((v) => v.claimId);
    await waitFor('the reviews on reviews.completed.v1 and their final decisions', async () =>
      reviewed.every((id) => tail.byKey(REVIEWS).has(id) && (tail.byKey(DECIDED).get(id)?.length ?? 0) >= 2) ? true : undefined,
    60_000);
    await waitFor('webhooks delivered', async () => (receiver.on('/hook').length > 0 ? true : undefined), 60_000);
    // Audit and ingest's status view index the last events a moment after they are on the topics.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const stores = [...mesh.redisKeyPatterns, `${ingestPrefix}:*`, INGEST_IDEMPOTENCY];
    const found = await Promise.all(stores.map(async (pattern) => ({ pattern, keys: await ttls(pattern) })));
    // Every store was written, so an empty scan cannot pass for a clean one.
    expect(found.filter(({ keys }) => keys.length === 0).map(({ pattern }) => pattern)).toEqual([]);
    const offenders = found.flatMap(({ keys }) => keys.filter(({ ttl }) => ttl === -1).map(({ key }) => key));
    expect(offenders).toEqual([]);
  }, 420_000);
});
