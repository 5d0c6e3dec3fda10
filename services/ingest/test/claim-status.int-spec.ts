import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvroSerde, ClaimDecided, contractRecord } from '@claims-mesh/contracts';
import { sha256Hex } from '@claims-mesh/platform';
import { claimRequest, deleteRedisKeys, Mesh, stack, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';

// GET /v1/claims/{claimId} on a real mesh (all six services, real Kafka, registry, Redis,
// Triton): the client that submitted a claim follows it to its decision; another client, an
// unknown id and a key without claims:read learn nothing.

const PORT_BASE = 14700;
const RUN = randomUUID().slice(0, 8);
const KEYS = {
  a: { id: `status-a-${RUN}`, key: `key-a-${randomUUID()}`, scopes: ['claims:write', 'claims:read'] },
  b: { id: `status-b-${RUN}`, key: `key-b-${randomUUID()}`, scopes: ['claims:write', 'claims:read'] },
  writer: { id: `status-w-${RUN}`, key: `key-w-${randomUUID()}`, scopes: ['claims:write'] },
};
const DECIDED = 'claims.decided.v1';

describe('claim status (GET /v1/claims/{claimId}, real mesh)', () => {
  let mesh: Mesh;
  let decided: TopicTail;
  let dir: string;
  const serde = AvroSerde.forRegistry(stack.registryUrl);

  async function call(method: 'GET' | 'POST', path: string, key: string | undefined, body?: unknown) {
    const res = await fetch(mesh.service('ingest').url(path), {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  }

  async function submit(key: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await call('POST', '/v1/claims', key, claimRequest({ customerId: `cust-st-${randomUUID().slice(0, 8)}`, serialNumber: `SN-${randomUUID()}`, ...overrides }));
    expect(res.status).toBe(202);
    return res.body.claimId as string;
  }

  async function decisionsOf(claimId: string): Promise<ClaimDecided[]> {
    return Promise.all((decided.byKey(DECIDED).get(claimId) ?? []).map((m) => serde.decode<ClaimDecided>(DECIDED, m.value)));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'claim-status-'));
    const apiKeys = join(dir, 'api-keys.json');
    writeFileSync(apiKeys, JSON.stringify(Object.values(KEYS).map(({ id, key, scopes }) => ({ id, sha256: sha256Hex(key), scopes }))));
    decided = await TopicTail.start(testKafka(), [DECIDED]);
    // Ingest's keys under a prefix of this run, short-lived, deleted at the end.
    mesh = await Mesh.start(PORT_BASE, { API_KEYS_FILE: apiKeys, INGEST_KEY_PREFIX: `ingest-it-${RUN}`, STATUS_TTL_SECONDS: '900' });
    // Ingest's status consumer starts at the topics' end in a group of its own: ready once it has joined.
    await waitFor('ingest ready', async () => ((await fetch(mesh.service('ingest').url('/health/ready'))).status === 200 ? true : undefined), 60_000);
  }, 120_000);

  afterAll(async () => {
    await mesh?.stop();
    await decided?.stop();
    await deleteRedisKeys(`ingest-it-${RUN}:*`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the submitting client: submitted at once, then the decision with its reason codes and versions', async () => {
    const claimId = await submit(KEYS.a.key);
    const first = await call('GET', `/v1/claims/${claimId}`, KEYS.a.key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ claimId, submittedAt: expect.any(String) });

    // The topics are shared: another mesh running beside this one decides the claim too, so the
    // status is compared with the decided record it shows (the latest), whichever mesh wrote it.
    const { status, record } = await waitFor('the decision in the status', async () => {
      const res = await call('GET', `/v1/claims/${claimId}`, KEYS.a.key);
      if (res.body?.stage !== 'DECIDED' || !res.body.decision.versions.featureSet) return undefined;
      const shown = (await decisionsOf(claimId)).find((d) => new Date(d.timestamps.decidedAt as number).toISOString() === res.body.decision.decidedAt);
      return shown ? { status: res.body, record: shown } : undefined;
    }, 60_000);
    // The contract versions: the API's is its OpenAPI document's, the events' is schemas/CONTRACT.json's.
    const document = (await (await fetch(mesh.service('ingest').url('/docs-json'))).json()) as { info: { version: string } };
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(status).toEqual({
      claimId,
      stage: 'DECIDED',
      final: record.final,
      waitingFor: record.final ? null : 'REVIEW',
      submittedAt: expect.any(String),
      updatedAt: new Date(record.timestamps.decidedAt as number).toISOString(),
      decision: {
        action: record.action,
        final: record.final,
        reasonCodes: record.reasonCodes,
        reviewerOverrode: null,
        decidedAt: new Date(record.timestamps.decidedAt as number).toISOString(),
        evidenceDeadline: null,
        versions: {
          model: `${record.model.name}:${record.model.version}`,
          ruleSet: record.ruleSetVersion,
          featureSet: expect.stringMatching(/^it-/),
        },
      },
      review: null,
      contract: { api: document.info.version, events: contractRecord().version },
    });
    expect(record.reasonCodes.length).toBeGreaterThan(0);
    // Ids, codes and versions only: nothing of the claim's personal data.
    const text = JSON.stringify(status);
    for (const pii of ['jane.doe', 'pol-778899', 'Screen cracked', 'cust-st-', 'SN-']) expect(text).not.toContain(pii);
  });

  it('says a claim sent to review waits for a reviewer', async () => {
    // Over the automatic limit (AMOUNT_OVER_AUTO_LIMIT): REVIEW, not final.
    const claimId = await submit(KEYS.a.key, { amountMinor: 900_000 });
    const status = await waitFor('the review decision in the status', async () => {
      const res = await call('GET', `/v1/claims/${claimId}`, KEYS.a.key);
      return res.body?.stage === 'DECIDED' ? res.body : undefined;
    }, 60_000);
    expect(status).toMatchObject({ stage: 'DECIDED', final: false, waitingFor: 'REVIEW', decision: { action: 'REVIEW', final: false } });
    expect(status.decision.reasonCodes).toContain('AMOUNT_OVER_AUTO_LIMIT');
  });

  it("answers 404 alike for another client's claim and for an unknown id, 403 without claims:read, 401 without a key, 400 for a bad id", async () => {
    const claimId = await submit(KEYS.a.key);
    await waitFor('the claim in the status', async () => ((await call('GET', `/v1/claims/${claimId}`, KEYS.a.key)).status === 200 ? true : undefined));

    const other = await call('GET', `/v1/claims/${claimId}`, KEYS.b.key);
    const unknownId = randomUUID();
    const unknown = await call('GET', `/v1/claims/${unknownId}`, KEYS.a.key);
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(other.body).toEqual({ error: 'not_found', message: `no claim ${claimId} of this client` });
    expect(unknown.body).toEqual({ error: 'not_found', message: `no claim ${unknownId} of this client` });

    const writer = await call('GET', `/v1/claims/${claimId}`, KEYS.writer.key);
    expect(writer.status).toBe(403);
    expect(writer.body).toMatchObject({ error: 'forbidden', message: expect.stringContaining('claims:read') });
    expect((await call('GET', `/v1/claims/${claimId}`, undefined)).status).toBe(401);

    const bad = await call('GET', '/v1/claims/not-a-uuid', KEYS.a.key);
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toContainEqual(expect.objectContaining({ field: 'claimId' }));
  });
});
