import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvroSerde, ClaimDecided, deterministicUuid } from '@claims-mesh/contracts';
import { sha256Hex } from '@claims-mesh/platform';
import { claimRequest, deleteRedisKeys, Mesh, ReceivedWebhook, stack, testKafka, TopicTail, waitFor, WebhookReceiver } from '@claims-mesh/testing';

// Signed webhooks on a real mesh (all six services, real Kafka, registry, Redis, Triton) to a
// receiver on loopback: one client per receiver behaviour (answers, fails its first attempts,
// always fails, never answers) and one whose callback host is off the allow-list.

const PORT_BASE = 14800;
const RUN = randomUUID().slice(0, 8);
const DECIDED = 'claims.decided.v1';
const DLQ = 'webhooks.dlq.v1';
const MAX_ATTEMPTS = 4;
const CLIENT_CONCURRENCY = 2;
const FLAKY_FAILURES = 2;

const CLIENTS = ['ok', 'flaky', 'dead', 'hang', 'offlist'] as const;
type ClientName = (typeof CLIENTS)[number];
const client = (name: ClientName) => ({ id: `wh-${name}-${RUN}`, key: `key-${name}-${randomUUID()}`, secret: `secret-${name}-${randomUUID()}` });
const C = Object.fromEntries(CLIENTS.map((name) => [name, client(name)])) as Record<ClientName, ReturnType<typeof client>>;

/** What a receiver does with X-Claims-Signature, written out with node:crypto. */
function validSignature(secret: string, header: string, body: string): boolean {
  const { t, v1 } = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The value of a Prometheus series with these labels (others, like service, may be there too); 0 if absent. */
function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return 0;
}

describe('signed webhooks (real mesh, receiver on loopback)', () => {
  let mesh: Mesh;
  let receiver: WebhookReceiver;
  let tail: TopicTail;
  let dir: string;
  const serde = AvroSerde.forRegistry(stack.registryUrl);

  async function submit(name: ClientName, count = 1): Promise<{ claimIds: string[]; acceptedInMs: number }> {
    const claims = Array.from({ length: count }, () => claimRequest({ customerId: `cust-wh-${randomUUID().slice(0, 8)}`, serialNumber: `SN-${randomUUID()}` }));
    const started = Date.now();
    const res = await fetch(mesh.service('ingest').url('/v1/claims/batch'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': C[name].key },
      body: JSON.stringify({ claims }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { claims: { claimId: string }[] };
    return { claimIds: body.claims.map((c) => c.claimId), acceptedInMs: Date.now() - started };
  }

  async function decisionOf(claimId: string): Promise<ClaimDecided | undefined> {
    const [first] = decided(claimId);
    return first ? serde.decode<ClaimDecided>(DECIDED, first.value) : undefined;
  }
  const decided = (claimId: string) => tail.byKey(DECIDED).get(claimId) ?? [];

  const eventsFor = (path: string, claimIds: string[]) =>
    receiver.on(path).filter((r) => claimIds.includes((JSON.parse(r.body) as { claimId: string }).claimId));

  beforeAll(async () => {
    receiver = await WebhookReceiver.start({
      '/ok': () => 200,
      '/flaky': (request, earlier) => (earlier.filter((r) => r.headers['x-claims-event-id'] === request.headers['x-claims-event-id']).length < FLAKY_FAILURES ? 503 : 204),
      '/dead': () => 500,
      '/hang': () => 'hang',
      '/offlist': () => 200,
    });
    dir = mkdtempSync(join(tmpdir(), 'webhooks-'));
    const apiKeys = join(dir, 'api-keys.json');
    const webhooks = join(dir, 'webhooks.json');
    writeFileSync(apiKeys, JSON.stringify(CLIENTS.map((name) => ({ id: C[name].id, sha256: sha256Hex(C[name].key), scopes: ['claims:write', 'claims:read'] }))));
    writeFileSync(
      webhooks,
      JSON.stringify({
        allowedHosts: ['127.0.0.1'],
        clients: CLIENTS.map((name) => ({
          clientId: C[name].id,
          // The same receiver, named by a host that is not on the list.
          url: name === 'offlist' ? receiver.url('/offlist', 'localhost') : receiver.url(`/${name}`),
          secret: C[name].secret,
        })),
      }),
    );
    tail = await TopicTail.start(testKafka(), [DECIDED, DLQ]);
    mesh = await Mesh.start(PORT_BASE, {
      API_KEYS_FILE: apiKeys,
      WEBHOOKS_FILE: webhooks,
      INGEST_KEY_PREFIX: `ingest-it-${RUN}`,
      STATUS_TTL_SECONDS: '900',
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WEBHOOK_BACKOFF_INITIAL_MS: '300',
      WEBHOOK_BACKOFF_MAX_MS: '1200',
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_CONCURRENCY: '8',
      WEBHOOK_CLIENT_CONCURRENCY: String(CLIENT_CONCURRENCY),
      WEBHOOK_POLL_INTERVAL_MS: '50',
    });
    // Ingest's status consumer starts at the topics' end in a group of its own: ready once it has joined.
    await waitFor('ingest ready', async () => ((await fetch(mesh.service('ingest').url('/health/ready'))).status === 200 ? true : undefined), 60_000);
  }, 120_000);

  afterAll(async () => {
    await mesh?.stop();
    await tail?.stop();
    await receiver?.stop();
    await deleteRedisKeys(`ingest-it-${RUN}:*`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('POSTs each decision signed with the client secret, with an event id derived from the decided record', async () => {
    const { claimIds } = await submit('ok', 3);
    const events = await waitFor('three events at the receiver', async () => {
      const got = eventsFor('/ok', claimIds);
      return got.length >= 3 ? got : undefined;
    }, 60_000);
    for (const event of events) {
      expect(event.headers['content-type']).toBe('application/json');
      expect(validSignature(C.ok.secret, String(event.headers['x-claims-signature']), event.body)).toBe(true);
      expect(validSignature(C.flaky.secret, String(event.headers['x-claims-signature']), event.body)).toBe(false);
      const body = JSON.parse(event.body);
      const record = await waitFor('its decided record', () => decisionOf(body.claimId));
      const type = record.action === 'REQUEST_INFO' && !record.final ? 'claim.evidence_requested' : 'claim.decided';
      expect(body).toEqual({
        id: deterministicUuid('webhook', record.eventId, type),
        type,
        occurredAt: new Date(record.timestamps.decidedAt as number).toISOString(),
        claimId: record.claimId,
        data: {
          action: record.action,
          final: record.final,
          reasonCodes: record.reasonCodes,
          reviewerOverrode: record.reviewerOverrode,
          evidenceDeadline: record.evidenceDeadline ? new Date(record.evidenceDeadline).toISOString() : null,
          versions: { model: `${record.model.name}:${record.model.version}`, ruleSet: record.ruleSetVersion, featureSet: body.data.versions.featureSet },
        },
      });
      // The feature set of the score ingest saw with the decision (null only if the score came later).
      expect(body.data.versions.featureSet === null || /^it-/.test(body.data.versions.featureSet)).toBe(true);
      expect(event.headers['x-claims-event-id']).toBe(body.id);
      expect(event.headers['x-claims-event-type']).toBe(type);
    }
    // One event per decision, each id once.
    expect(new Set(events.map((e) => e.headers['x-claims-event-id'])).size).toBe(events.length);
  });

  it('retries a receiver that fails its first attempts, with backoff, until it takes each event once', async () => {
    const { claimIds } = await submit('flaky', 2);
    const attempts = await waitFor('each event taken', async () => {
      const got = eventsFor('/flaky', claimIds);
      const taken = got.filter((r) => r.status === 204);
      return taken.length >= 2 ? got : undefined;
    }, 60_000);
    const byId = new Map<string, ReceivedWebhook[]>();
    for (const r of attempts) byId.set(String(r.headers['x-claims-event-id']), [...(byId.get(String(r.headers['x-claims-event-id'])) ?? []), r]);
    // At least one event per claim (a mesh running beside this one on the shared topics may decide them too).
    expect(byId.size).toBeGreaterThanOrEqual(2);
    for (const tries of byId.values()) {
      if (!tries.some((r) => r.status === 204)) continue; // still being retried
      expect(tries.map((r) => r.status)).toEqual([503, 503, 204]);
      expect(tries.map((r) => r.headers['x-claims-delivery-attempt'])).toEqual(['1', '2', '3']);
      // The same body every time, freshly signed; waits of at least the first backoff (300 ms, -20 % jitter).
      expect(new Set(tries.map((r) => r.body)).size).toBe(1);
      tries.forEach((r) => expect(validSignature(C.flaky.secret, String(r.headers['x-claims-signature']), r.body)).toBe(true));
      expect(tries[1].receivedAt - tries[0].receivedAt).toBeGreaterThanOrEqual(230);
      expect(tries[2].receivedAt - tries[1].receivedAt).toBeGreaterThanOrEqual(470);
    }
    // Nothing more comes once taken: delivered once per event id after the receiver's dedup.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(eventsFor('/flaky', claimIds)).toHaveLength(attempts.length);
  });

  it('sends an event to webhooks.dlq.v1 with the reason after the last attempt', async () => {
    const { claimIds } = await submit('dead');
    const [claimId] = claimIds;
    const letter = await waitFor('the dead letter', async () => tail.byKey(DLQ).get(claimId)?.[0], 60_000);
    const value = JSON.parse(String(letter.value));
    const tries = eventsFor('/dead', claimIds).filter((r) => r.headers['x-claims-event-id'] === value.eventId);
    expect(tries).toHaveLength(MAX_ATTEMPTS);
    expect(value).toMatchObject({
      eventId: tries[0].headers['x-claims-event-id'],
      clientId: C.dead.id,
      claimId,
      attempts: MAX_ATTEMPTS,
      reason: `receiver answered HTTP 500 (attempt ${MAX_ATTEMPTS} of ${MAX_ATTEMPTS})`,
      event: JSON.parse(tries[0].body),
    });
    expect(String(letter.headers?.['dlq.error.message'])).toContain('HTTP 500');
    // No secret in the dead letter.
    expect(String(letter.value)).not.toContain(C.dead.secret);
  });

  it('never calls a host off the allow-list: the client is refused at load, logged and counted', async () => {
    const { claimIds } = await submit('offlist');
    await waitFor('the decision', () => decisionOf(claimIds[0]), 60_000);
    const metrics = await waitFor('the refused event counted', async () => {
      const text = await (await fetch(mesh.service('ingest').url('/metrics'))).text();
      return metricValue(text, 'ingest_webhook_events_total', { outcome: 'refused' }) >= 1 ? text : undefined;
    });
    expect(metricValue(metrics, 'ingest_webhook_refused_total', { reason: 'host_not_allowed', stage: 'config' })).toBe(1);
    expect(mesh.service('ingest').logs).toContain(`webhook of client ${C.offlist.id} refused: callback host localhost is not on the allow-list`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.on('/offlist')).toHaveLength(0);
    // The secrets are never logged.
    for (const name of CLIENTS) expect(mesh.service('ingest').logs).not.toContain(C[name].secret);
  });

  it('keeps accepting and deciding claims, and delivering to others, while a receiver hangs', async () => {
    const hung = await submit('hang', 6);
    await waitFor('the hanging receiver held', async () => (eventsFor('/hang', hung.claimIds).length >= CLIENT_CONCURRENCY ? true : undefined), 60_000);
    const rounds: { acceptedInMs: number; decidedInMs: number; deliveredInMs: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const { claimIds, acceptedInMs } = await submit('ok', 2);
      await waitFor('decided', async () => (claimIds.every((id) => decided(id).length > 0) ? true : undefined), 30_000, 50);
      const decidedInMs = Date.now() - started;
      await waitFor('delivered', async () => (eventsFor('/ok', claimIds).length >= 2 ? true : undefined), 30_000, 50);
      rounds.push({ acceptedInMs, decidedInMs, deliveredInMs: Date.now() - started });
    }
    console.warn(`while a receiver hangs: ${JSON.stringify(rounds)}`);
    for (const round of rounds) {
      expect(round.acceptedInMs).toBeLessThan(2000);
      expect(round.decidedInMs).toBeLessThan(10_000);
      expect(round.deliveredInMs).toBeLessThan(12_000);
    }
    // The hanging receiver never had more than its client's share of the deliveries.
    expect(receiver.maxConcurrent('/hang')).toBeLessThanOrEqual(CLIENT_CONCURRENCY);
    expect(mesh.service('ingest').running).toBe(true);
  });
});
