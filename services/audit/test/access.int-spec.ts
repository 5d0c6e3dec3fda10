import { randomUUID } from 'node:crypto';
import { sampleClaim, sampleEnriched } from '@claims-mesh/testing';
import type { ErasureView } from '../src/erasure/erasure-view';
import type { LineageView } from '../src/lineage/lineage-view';
import {
  AuditUnderTest,
  chainRecords,
  KEYS,
  MeshProducer,
  reviewedClaimChain,
  stagesOfChain,
} from './audit-harness';

const MASK = '***';

describe('audit: personal data, API keys and erasure (real Kafka, registry and Redis)', () => {
  let audit: AuditUnderTest;
  let mesh: MeshProducer;

  beforeAll(async () => {
    audit = await AuditUnderTest.start(13602);
    mesh = await MeshProducer.connect();
  });

  afterAll(async () => {
    await mesh?.close();
    await audit?.stop();
  });

  it('masks the fields the schemas mark as PII for audit:read and shows them for audit:pii', async () => {
    const chain = reviewedClaimChain();
    await mesh.send(chainRecords(chain));
    const masked = await audit.lineageOfChain(chain, KEYS.auditor);
    const revealed = await audit.lineageOfChain(chain, KEYS.auditorPii);

    for (const field of ['customerId', 'customerEmail', 'policyId', 'description', 'serialNumber'] as const) {
      expect(masked.claim?.[field]).toBe(MASK);
      expect(revealed.claim?.[field]).toBe(chain.claim[field]);
    }
    expect(masked.claim?.amountMinor).toBe(chain.claim.amountMinor);
    const maskedReview = stagesOfChain(masked, chain).find((s) => s.stage === 'reviewed');
    const revealedReview = stagesOfChain(revealed, chain).find((s) => s.stage === 'reviewed');
    expect(maskedReview).toEqual(
      expect.objectContaining({ reviewerId: MASK, note: MASK, outcome: 'APPROVE' }),
    );
    expect(revealedReview).toEqual(
      expect.objectContaining({ reviewerId: chain.reviewed.reviewerId, note: chain.reviewed.note }),
    );
  });

  it.each([
    ['no API key', 'GET', '/v1/lineage/x', undefined, 401],
    ['an unknown API key', 'GET', '/v1/claims', 'not-a-key', 401],
    ['a key without audit:read', 'GET', '/v1/lineage/x', KEYS.ingest, 403],
    ['a key without audit:read (list)', 'GET', '/v1/claims', KEYS.ingest, 403],
    ['no API key (erasure)', 'DELETE', '/v1/subjects/x', undefined, 401],
    ['a key without audit:erase', 'DELETE', '/v1/subjects/x', KEYS.auditorPii, 403],
    ['a key without audit:erase (erasure status)', 'GET', '/v1/subjects/x/erasure', KEYS.auditorPii, 403],
    ['a customer never erased', 'GET', `/v1/subjects/cust-${randomUUID()}/erasure`, KEYS.eraser, 404],
  ])('answers %s on %s %s with %s', async (_, method, path, key, status) => {
    const res = method === 'GET' ? await audit.get(path, key) : await audit.delete(path, key);
    expect(res.status).toBe(status);
    expect(res.body).toEqual(
      expect.objectContaining({ error: expect.any(String), message: expect.any(String) }),
    );
  });

  it("erases a customer's personal data from all their claims, even for audit:pii, and records the erasure as a stage", async () => {
    const customerId = `cust-${randomUUID()}`;
    const first = reviewedClaimChain({ customerId });
    const second = reviewedClaimChain({ customerId });
    await mesh.send([...chainRecords(first), ...chainRecords(second)]);
    await audit.lineageOfChain(first);
    await audit.lineageOfChain(second);

    const erased = await audit.delete<ErasureView>(`/v1/subjects/${customerId}`, KEYS.eraser);
    expect(erased.status).toBe(202);
    expect(erased.location).toBe(`/v1/subjects/${customerId}/erasure`);
    expect(erased.body).toEqual(expect.objectContaining({ requestedAt: expect.any(Number), requestedBy: 'eraser-dev', complete: false }));
    const status = await audit.erasureDoneBy(customerId, 'audit-lineage');
    expect(status.stores.find((s) => s.store === 'audit-lineage')).toEqual(expect.objectContaining({ service: 'audit', removed: { claims: 2 } }));
    const erasedAt = erased.body.requestedAt;

    for (const chain of [first, second]) {
      const { body: lineage } = await audit.get<LineageView>(
        `/v1/lineage/${chain.claim.claimId}`,
        KEYS.admin,
      );
      expect(lineage.claim?.customerId).toBe(MASK);
      expect(lineage.claim?.description).toBe(MASK);
      expect(stagesOfChain(lineage, chain).find((s) => s.stage === 'reviewed')?.note).toBe(MASK);
      const erasures = lineage.stages.filter((s) => s.stage === 'erasure');
      expect(erasures).toEqual([
        expect.objectContaining({ erasedBy: 'eraser-dev', at: erasedAt, topic: null }),
      ]);
      expect(lineage.erasure).toEqual({ at: erasedAt, erasedBy: 'eraser-dev' });
    }
  });

  it('stores records of an erased customer consumed later without their personal data', async () => {
    const customerId = `cust-${randomUUID()}`;
    expect((await audit.delete(`/v1/subjects/${customerId}`, KEYS.admin)).status).toBe(202);
    const status = await audit.erasureDoneBy(customerId, 'audit-lineage');
    expect(status.stores.find((s) => s.store === 'audit-lineage')?.removed).toEqual({ claims: 0 });

    const late = sampleClaim({ customerId });
    await mesh.send([
      ['claims.submitted.v1', late],
      ['claims.enriched.v1', sampleEnriched(late)],
    ]);
    const lineage = await audit.lineageWhen(
      late.claimId,
      (l) => ['submitted', 'enriched', 'erasure'].every((stage) => l.stages.some((s) => s.stage === stage)),
      KEYS.auditorPii,
    );

    expect(lineage.claim?.customerId).toBe(MASK);
    expect(lineage.claim?.customerEmail).toBe(MASK);
    expect(lineage.stages.filter((s) => s.stage === 'erasure')).toHaveLength(1);
    expect(lineage.erasure?.erasedBy).toBe('admin-dev');
  });

  it('keeps the first erasure when a customer is erased twice', async () => {
    const chain = reviewedClaimChain();
    await mesh.send(chainRecords(chain).slice(0, 1));
    await audit.lineageWhen(chain.claim.claimId, (l) => l.stages.some((s) => s.stage === 'submitted'));

    const first = await audit.delete<ErasureView>(`/v1/subjects/${chain.claim.customerId}`, KEYS.eraser);
    const second = await audit.delete<ErasureView>(`/v1/subjects/${chain.claim.customerId}`, KEYS.admin);

    expect(second.body).toEqual(expect.objectContaining({ erasureId: first.body.erasureId, requestedAt: first.body.requestedAt, requestedBy: 'eraser-dev' }));
    const lineage = await audit.lineageWhen(chain.claim.claimId, (l) => l.erasure !== null);
    expect(lineage.stages.filter((s) => s.stage === 'erasure')).toEqual([
      expect.objectContaining({ at: first.body.requestedAt, erasedBy: 'eraser-dev' }),
    ]);
  });
});
