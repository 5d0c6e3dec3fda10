import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvroSerde, ClaimDecided, ClaimEnriched } from '@claims-mesh/contracts';
import { sha256Hex } from '@claims-mesh/platform';
import { claimRequest, decodeOpened, deleteRedisKeys, Mesh, stack, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';

// The request for information both ways, on a real mesh (all six services, real Kafka,
// registry, Redis, Triton): a REQUEST_INFO claim is answered with POST /v1/claims/{id}/evidence,
// goes round again as a new revision with its velocity counts unchanged, and is decided again;
// one whose deadline passes is closed with EVIDENCE_NOT_RECEIVED; evidence for a claim that
// asked for none is 409. The decision service runs a rule set of this test's own, which asks
// for information whenever a claim has no photo (the shipped rules also need a score of 0.2,
// which the served model gives these claims or not).

const PORT_BASE = 14950;
const RUN = randomUUID().slice(0, 8);
const RULE_SET = `rules.it-evidence-${RUN}`;
const KEYS = {
  a: { id: `evidence-a-${RUN}`, key: `key-a-${randomUUID()}`, scopes: ['claims:write', 'claims:read'] },
  b: { id: `evidence-b-${RUN}`, key: `key-b-${randomUUID()}`, scopes: ['claims:write', 'claims:read'] },
  auditor: { id: `evidence-au-${RUN}`, key: `key-au-${randomUUID()}`, scopes: ['audit:read'] },
};
const DECIDED = 'claims.decided.v1';
const ENRICHED = 'claims.enriched.v1';

describe('request for information, both ways (POST /v1/claims/{claimId}/evidence, real mesh)', () => {
  let mesh: Mesh;
  let tail: TopicTail;
  let dir: string;
  let featureSet: string;
  const serde = AvroSerde.forRegistry(stack.registryUrl);

  async function call(method: 'GET' | 'POST', path: string, key: string, body?: unknown, service = 'ingest') {
    const res = await fetch(mesh.service(service).url(path), {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function submit(overrides: Record<string, unknown>): Promise<string> {
    const res = await call('POST', '/v1/claims', KEYS.a.key, claimRequest({ customerId: `cust-ev-${randomUUID().slice(0, 8)}`, serialNumber: `SN-${randomUUID()}`, ...overrides }));
    expect(res.status).toBe(202);
    return res.body.claimId as string;
  }

  /** This mesh's decisions of the claim (other meshes on the same topics decide it too, under the shipped rules). */
  async function decisionsOf(claimId: string): Promise<ClaimDecided[]> {
    const all = await Promise.all((tail.byKey(DECIDED).get(claimId) ?? []).map((m) => decodeOpened<ClaimDecided>(serde, DECIDED, m.value)));
    return all.filter((d) => d.ruleSetVersion === RULE_SET);
  }

  async function enrichedOf(claimId: string): Promise<ClaimEnriched[]> {
    const all = await Promise.all((tail.byKey(ENRICHED).get(claimId) ?? []).map((m) => decodeOpened<ClaimEnriched>(serde, ENRICHED, m.value)));
    return all.filter((e) => e.featureSetVersion === featureSet);
  }

  async function statusOf(claimId: string, ready: (body: Record<string, unknown>) => boolean) {
    return waitFor(`the status of ${claimId}`, async () => {
      const res = await call('GET', `/v1/claims/${claimId}`, KEYS.a.key);
      return res.status === 200 && ready(res.body) ? res.body : undefined;
    }, 60_000);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-'));
    const apiKeys = join(dir, 'api-keys.json');
    writeFileSync(apiKeys, JSON.stringify(Object.values(KEYS).map(({ id, key, scopes }) => ({ id, sha256: sha256Hex(key), scopes }))));
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({
      version: RULE_SET,
      default: { action: 'APPROVE', reasonCode: 'NO_RISK_FOUND' },
      rules: [{ id: 'NO_EVIDENCE', when: { features: { mediaCount: { below: 1 } } }, action: 'REQUEST_INFO' }],
    }));
    tail = await TopicTail.start(testKafka(), [DECIDED, ENRICHED]);
    mesh = await Mesh.start(PORT_BASE, {
      API_KEYS_FILE: apiKeys,
      INGEST_KEY_PREFIX: `ingest-it-${RUN}`,
      STATUS_TTL_SECONDS: '900',
      RULES_FILE: rules,
      EVIDENCE_DEADLINE_SECONDS: '3600',
      EVIDENCE_SWEEP_INTERVAL_MS: '200',
    });
    featureSet = mesh.redisKeyPatterns[0].split(':')[1];
    await waitFor('ingest ready', async () => ((await fetch(mesh.service('ingest').url('/health/ready'))).status === 200 ? true : undefined), 60_000);
  }, 120_000);

  afterAll(async () => {
    await mesh?.stop();
    await tail?.stop();
    await deleteRedisKeys(`ingest-it-${RUN}:*`);
    for (const pattern of mesh?.redisKeyPatterns ?? []) await deleteRedisKeys(pattern);
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a REQUEST_INFO claim round again with its evidence, counts it once, decides it again and shows both rounds', async () => {
    const claimId = await submit({ mediaCount: 0 });
    const waiting = await statusOf(claimId, (s) => s.stage === 'DECIDED');
    expect(waiting).toMatchObject({ final: false, waitingFor: 'EVIDENCE', decision: { action: 'REQUEST_INFO', reasonCodes: ['NO_EVIDENCE'] } });
    // The upstream system is told by when its evidence must come.
    expect(Date.parse((waiting.decision as { evidenceDeadline: string }).evidenceDeadline)).toBeGreaterThan(Date.now());

    // Only the submitting client may answer, with fields valid as a claim's.
    expect((await call('POST', `/v1/claims/${claimId}/evidence`, KEYS.b.key, { mediaCount: 2 })).status).toBe(404);
    const invalid = await call('POST', `/v1/claims/${claimId}/evidence`, KEYS.a.key, { mediaCount: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.fields).toEqual([expect.objectContaining({ field: 'mediaCount' })]);

    const accepted = await call('POST', `/v1/claims/${claimId}/evidence`, KEYS.a.key, { mediaCount: 2, description: 'Photos attached.' });
    expect(accepted).toEqual({ status: 202, body: { claimId, eventId: expect.any(String) } });

    const [request, decidedAgain] = await waitFor('the second decision', async () => {
      const decisions = await decisionsOf(claimId);
      return decisions.length >= 2 ? decisions : undefined;
    }, 60_000);
    expect(request).toMatchObject({ action: 'REQUEST_INFO', final: false, evidenceDeadline: expect.any(Number) });
    expect(decidedAgain).toMatchObject({ action: 'APPROVE', final: true, reasonCodes: ['NO_RISK_FOUND'], evidenceDeadline: null });
    expect(decidedAgain.claim).toMatchObject({ claimId, revision: 1, mediaCount: 2, description: 'Screen cracked after a fall.\nPhotos attached.' });

    // The second round is the same claim to the feature service: no new claim in the velocity windows.
    const [first, second] = await waitFor('both rounds enriched', async () => {
      const rounds = await enrichedOf(claimId);
      return rounds.length >= 2 ? rounds : undefined;
    });
    expect(second.claim.revision).toBe(1);
    for (const feature of ['customerClaimCount1h', 'customerClaimCount24h', 'customerClaimCount30d', 'customerAmount1hMinor', 'isFirstClaim', 'serialNumberSeenBefore'] as const) {
      expect({ feature, value: second.features[feature] }).toEqual({ feature, value: first.features[feature] });
    }
    expect([first.features.mediaCount, second.features.mediaCount]).toEqual([0, 2]);

    const settled = await statusOf(claimId, (s) => s.final === true);
    expect(settled).toMatchObject({ stage: 'DECIDED', waitingFor: null, decision: { action: 'APPROVE' } });
    // Answered already: more evidence is refused.
    expect((await call('POST', `/v1/claims/${claimId}/evidence`, KEYS.a.key, { mediaCount: 1 })).status).toBe(409);

    // The lineage keeps both rounds: two submissions, the evidence and both decisions.
    const lineage = await waitFor('both rounds in the lineage', async () => {
      const res = await call('GET', `/v1/lineage/${claimId}`, KEYS.auditor.key, undefined, 'audit');
      const stages = (res.body?.stages ?? []) as { stage: string }[];
      return stages.filter((s) => s.stage === 'decided').length >= 2 ? stages : undefined;
    }, 60_000);
    const count = (stage: string) => lineage.filter((s) => s.stage === stage).length;
    expect([count('submitted'), count('evidence'), count('enriched') >= 2, count('scored') >= 2]).toEqual([2, 1, true, true]);
    // In order: the first round, the evidence, then the second round's submission.
    const order = lineage.map((s) => s.stage);
    expect(order.indexOf('decided')).toBeLessThan(order.indexOf('evidence'));
    expect(order.indexOf('evidence')).toBeLessThan(order.lastIndexOf('submitted'));
  });

  it('answers 409 for evidence on a claim that asked for none, 404 for an unknown claim', async () => {
    const claimId = await submit({ mediaCount: 3 });
    await statusOf(claimId, (s) => s.stage === 'DECIDED');
    const refused = await call('POST', `/v1/claims/${claimId}/evidence`, KEYS.a.key, { mediaCount: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'not_waiting_for_evidence' });
    expect((await call('POST', `/v1/claims/${randomUUID()}/evidence`, KEYS.a.key, {})).status).toBe(404);
  });

  it('closes a claim whose deadline passes with a final decision naming EVIDENCE_NOT_RECEIVED', async () => {
    await mesh.restart('decision', { EVIDENCE_DEADLINE_SECONDS: '2' });
    const claimId = await submit({ mediaCount: 0 });
    const [request, closed] = await waitFor('the decision at the deadline', async () => {
      const decisions = await decisionsOf(claimId);
      return decisions.length >= 2 ? decisions : undefined;
    }, 60_000);
    expect(request).toMatchObject({ action: 'REQUEST_INFO', final: false });
    expect(closed).toMatchObject({ action: 'REJECT', final: true, reasonCodes: ['NO_EVIDENCE', 'EVIDENCE_NOT_RECEIVED'] });
    const status = await statusOf(claimId, (s) => s.final === true);
    expect(status).toMatchObject({ waitingFor: null, decision: { action: 'REJECT', reasonCodes: ['NO_EVIDENCE', 'EVIDENCE_NOT_RECEIVED'] } });
    expect((await call('POST', `/v1/claims/${claimId}/evidence`, KEYS.a.key, { mediaCount: 2 })).status).toBe(409);
  });
});
