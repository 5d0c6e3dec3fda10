import { ClaimDecided } from '@claims-mesh/contracts';
import { waitFor } from '@claims-mesh/testing';
import type { DecidedClaim } from '../src/decisions/decided-claims';
import { ApiReply, AuditUnderTest, decidedClaim, KEYS, MeshProducer } from './audit-harness';

interface Page {
  claims: DecidedClaim[];
  nextCursor: string | null;
}

describe('audit: decided claims by action and time (real Kafka, registry and Redis)', () => {
  let audit: AuditUnderTest;
  let mesh: MeshProducer;
  // A stretch of 2001 no other suite decides claims in, so the lists below hold only this test's claims.
  const t0 = Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 1e9);

  beforeAll(async () => {
    audit = await AuditUnderTest.start(13603);
    mesh = await MeshProducer.connect();
  });

  afterAll(async () => {
    await mesh?.close();
    await audit?.stop();
  });

  async function send(decisions: ClaimDecided[]): Promise<void> {
    await mesh.send(decisions.map((d) => ['claims.decided.v1', d]));
  }

  /** Every page of the query, following the cursors, once the first page answers `count` claims in total. */
  async function allPages(query: string, count: number): Promise<{ pages: Page[]; claims: DecidedClaim[] }> {
    return waitFor(`${count} claims for ${query}`, async () => {
      const pages: Page[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const path: string = `/v1/claims?${query}${cursor ? `&cursor=${cursor}` : ''}`;
        const res: ApiReply<Page> = await audit.get<Page>(path, KEYS.auditor);
        expect(res.status).toBe(200);
        pages.push(res.body);
        cursor = res.body.nextCursor;
      }
      const claims = pages.flatMap((p) => p.claims);
      return claims.length >= count ? { pages, claims } : undefined;
    });
  }

  it('lists the finally decided claims of an action in a time range, oldest first, page by page', async () => {
    const approvedInRange = [1, 2, 2, 2, 5].map((ms) => decidedClaim('APPROVE', t0 + ms));
    const rejectedInRange = decidedClaim('REJECT', t0 + 3);
    const approvedAfter = decidedClaim('APPROVE', t0 + 10);
    const approvedBefore = decidedClaim('APPROVE', t0 - 1);
    const notFinal = { ...decidedClaim('REVIEW', t0 + 4), final: false };
    await send([...approvedInRange, rejectedInRange, approvedAfter, approvedBefore, notFinal]);

    const { pages, claims } = await allPages(`action=APPROVE&from=${t0}&to=${t0 + 10}&limit=2`, 5);

    expect(pages.map((p) => p.claims.length)).toEqual([2, 2, 1]);
    const expected = [...approvedInRange].sort(
      (a, b) =>
        (a.timestamps.decidedAt ?? 0) - (b.timestamps.decidedAt ?? 0) || a.claimId.localeCompare(b.claimId),
    );
    expect(claims.map((c) => c.claimId)).toEqual(expected.map((d) => d.claimId));
    expect(claims[0]).toEqual({
      claimId: expected[0].claimId,
      action: 'APPROVE',
      actionId: expected[0].actionId,
      ruleSetVersion: 'rules-1',
      eventId: expected[0].eventId,
      submittedAt: t0 + 1 - 50,
      decidedAt: t0 + 1,
      endToEndLatencyMs: 50,
    });

    const all = await allPages(`from=${new Date(t0).toISOString()}&to=${new Date(t0 + 10).toISOString()}`, 6);
    expect(all.claims.map((c) => c.claimId).sort()).toEqual(
      [...approvedInRange, rejectedInRange].map((d) => d.claimId).sort(),
    );
  });

  it('lists a claim under its latest final decision only', async () => {
    const approved = decidedClaim('APPROVE', t0 + 100);
    const rejectedLater: ClaimDecided = {
      ...decidedClaim('REJECT', t0 + 101),
      claimId: approved.claimId,
      claim: approved.claim,
    };
    await send([rejectedLater, approved]);
    await audit.lineageWithStages(approved.claimId, 2);

    const { claims } = await allPages(`action=REJECT&from=${t0 + 100}&to=${t0 + 102}`, 1);
    expect(claims.map((c) => c.claimId)).toEqual([approved.claimId]);
    const approvals = await audit.get<Page>(
      `/v1/claims?action=APPROVE&from=${t0 + 100}&to=${t0 + 102}`,
      KEYS.auditor,
    );
    expect(approvals.body.claims).toEqual([]);
  });

  it.each([
    ['an unknown action', 'action=MAYBE', 'action'],
    ['a time that is neither ISO 8601 nor epoch ms', 'from=yesterday', 'from'],
    ['a day that does not exist', 'to=2025-02-30', 'to'],
    ['a range that ends before it starts', 'from=2000&to=1000', 'to'],
    ['a limit of 0', 'limit=0', 'limit'],
    ['a limit above the maximum', 'limit=100000', 'limit'],
    ['a limit that is not a number', 'limit=ten', 'limit'],
    ['a cursor it never issued', 'cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['a parameter given twice', 'action=APPROVE&action=REJECT', 'action'],
    ['an unknown parameter', 'customer=42', 'customer'],
  ])('answers 400 naming the field for %s', async (_, query, field) => {
    const res = await audit.get(`/v1/claims?${query}`, KEYS.auditor);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_query');
    expect(res.body.fields).toEqual([expect.objectContaining({ field })]);
  });
});
