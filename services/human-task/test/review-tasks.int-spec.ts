import { randomBytes } from 'node:crypto';
import { deterministicUuid } from '@claims-mesh/contracts';
import { waitFor } from '@claims-mesh/testing';
import {
  CompletedReviews,
  HumanTaskUnderTest,
  OTHER_REVIEWER_ID,
  OTHER_REVIEWER_KEY,
  REVIEWER_ID,
  reviewDecision,
} from './human-task-harness';

const HOUR_MS = 3_600_000;

interface TaskPage {
  tasks: { taskId: string; status: string; overdue: boolean; priority: number }[];
  nextCursor: string | null;
  counts: { todo: number; overdue: number };
}

describe('human-task review queue (real Kafka, registry, Redis)', () => {
  let ht: HumanTaskUnderTest;
  let reviews: CompletedReviews;

  beforeAll(async () => {
    reviews = await CompletedReviews.start();
    ht = await HumanTaskUnderTest.start(13501, { SLA_MINUTES: '60' });
  });

  afterAll(async () => {
    await ht?.stop();
    await reviews?.stop();
  });

  /** Every task id of the list, walking all pages of `query`. */
  async function allPages(query: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: TaskPage } = await ht.api<TaskPage>(`/v1/tasks?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...page.body.tasks.map((t) => t.taskId));
      cursor = page.body.nextCursor;
    } while (cursor);
    return ids;
  }

  it('creates one task per REVIEW decision, however often the decision is delivered', async () => {
    const decision = reviewDecision({ fraudProbability: 0.66 });
    await ht.publish(decision);
    const first = await ht.task(decision.actionId);
    expect(first).toEqual(expect.objectContaining({ taskId: decision.actionId, claimId: decision.claimId, status: 'open' }));
    expect((await ht.claim(decision.actionId)).status).toBe(200);

    // A redelivery, then a later decision of the same claim key (same partition) as a marker that it was consumed.
    const marker = { ...reviewDecision(), claimId: decision.claimId };
    await ht.publish(decision, marker);
    await ht.task(marker.actionId);

    const again = await ht.api(`/v1/tasks/${decision.actionId}`);
    expect(again.body).toEqual(expect.objectContaining({ createdAt: first.createdAt, status: 'claimed' }));
    expect((again.body.lease as { holder: string }).holder).toBe(REVIEWER_ID);
    const listed = await allPages('limit=100');
    expect(listed.filter((id) => id === decision.actionId)).toHaveLength(1);
  });

  it('ignores decisions that do not wait for a reviewer', async () => {
    const approved = { ...reviewDecision(), action: 'APPROVE' as const, final: true };
    const settledReview = { ...reviewDecision(), claimId: approved.claimId, final: true };
    const rejected = { ...reviewDecision(), claimId: approved.claimId, action: 'REJECT' as const, final: true };
    const marker = { ...reviewDecision(), claimId: approved.claimId };
    await ht.publish(approved, settledReview, rejected, marker);
    await ht.task(marker.actionId);

    for (const ignored of [approved, settledReview, rejected]) {
      const answer = await ht.api(`/v1/tasks/${ignored.actionId}`);
      expect(answer.status).toBe(404);
      expect(answer.body.message).toContain(ignored.actionId);
    }
  });

  it('lists the most urgent first, filters by status and overdue, pages with a cursor, and counts overdue tasks', async () => {
    // claims.decided.v1 is shared with other suites: assertions look at this test's tasks only.
    const overdueBefore = (await ht.metric('reviews_overdue_tasks')) ?? 0;
    const now = Date.now();
    const low = reviewDecision({ fraudProbability: 0.2, amountMinor: 1_000 });
    const high = reviewDecision({ fraudProbability: 0.93, amountMinor: 250_000 });
    const overdue = reviewDecision({ fraudProbability: 0.2, amountMinor: 1_000, decidedAt: now - 2 * HOUR_MS });
    await ht.publish(low, high, overdue);
    await Promise.all([low, high, overdue].map((d) => ht.task(d.actionId)));

    const mine = [low, high, overdue].map((d) => d.actionId);
    const ordered = (await allPages('limit=5')).filter((id) => mine.includes(id));
    // Same priority for low and overdue: the one due first comes first.
    expect(ordered).toEqual([high.actionId, overdue.actionId, low.actionId]);

    const overdueOnly = await ht.api<TaskPage>('/v1/tasks?overdue=true&limit=100');
    expect(overdueOnly.body.tasks.filter((t) => mine.includes(t.taskId))).toEqual([expect.objectContaining({ taskId: overdue.actionId, overdue: true })]);
    expect(overdueOnly.body.tasks.every((t) => t.overdue)).toBe(true);
    expect(overdueOnly.body.counts.overdue).toBe(overdueBefore + 1);
    expect((await allPages('overdue=false&limit=100')).filter((id) => mine.includes(id)).sort()).toEqual([low.actionId, high.actionId].sort());
    expect(await ht.metric('reviews_overdue_tasks')).toBe(overdueBefore + 1);

    expect((await ht.claim(high.actionId)).status).toBe(200);
    const claimed = await allPages('status=claimed');
    expect(claimed).toContain(high.actionId);
    expect(claimed).not.toContain(low.actionId);
    const open = await allPages('status=open');
    expect(open).toEqual(expect.arrayContaining([low.actionId, overdue.actionId]));
    expect(open).not.toContain(high.actionId);
  });

  it('claims and completes a task, publishing exactly one reviews.completed.v1 with the verdict, in the claim\'s trace', async () => {
    const decision = reviewDecision({ fraudProbability: 0.72 });
    const traceId = randomBytes(16).toString('hex');
    await ht.publishWithHeaders({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }, decision);
    const task = await ht.task(decision.actionId);
    expect(task).toEqual(
      expect.objectContaining({
        status: 'open',
        overdue: false,
        lease: null,
        review: null,
        model: expect.objectContaining({ fraudProbability: 0.72, route: decision.route, shard: decision.shard, recommendation: 'REJECT' }),
        decision: expect.objectContaining({ reasonCodes: decision.reasonCodes, ruleSetVersion: decision.ruleSetVersion }),
        claim: expect.objectContaining({ customerId: decision.claim.customerId, amountMinor: decision.claim.amountMinor }),
      }),
    );

    const claimed = await ht.claim(decision.actionId);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toEqual(expect.objectContaining({ status: 'claimed', lease: expect.objectContaining({ holder: REVIEWER_ID, yours: true }) }));

    const completed = await ht.complete(decision.actionId, { outcome: 'APPROVE', note: '  Receipt checked; the serial matches.  ' });
    expect(completed.status).toBe(200);
    expect(completed.body).toEqual(
      expect.objectContaining({
        status: 'completed',
        lease: null,
        review: expect.objectContaining({ outcome: 'APPROVE', note: 'Receipt checked; the serial matches.', reviewerId: REVIEWER_ID, published: true }),
      }),
    );

    const [event, ...more] = await reviews.settled(decision.claimId);
    expect(more).toHaveLength(0);
    const completedAt = Date.parse((completed.body.review as { completedAt: string }).completedAt);
    expect(event).toEqual({
      eventId: deterministicUuid('review-completed', decision.actionId),
      claimId: decision.claimId,
      taskId: decision.actionId,
      actionId: decision.actionId,
      outcome: 'APPROVE',
      reviewerId: REVIEWER_ID,
      note: 'Receipt checked; the serial matches.',
      subjectRef: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), // the customer's keyed pseudonym
      modelRecommendation: 'REJECT',
      completedAt,
      timestamps: { ...decision.timestamps, reviewedAt: completedAt },
      selection: 'RISK',
    });
    expect(reviews.traceparentsOf(decision.claimId)).toEqual([expect.stringContaining(`-${traceId}-`)]);
    expect((await ht.api<TaskPage>('/v1/tasks?status=completed')).body.tasks[0].taskId).toBe(decision.actionId);
  });

  it('says in the verdict that its claim was drawn as an audit sample, so the label is known to be unbiased', async () => {
    const decision = { ...reviewDecision({ fraudProbability: 0.05 }), reasonCodes: ['NO_RISK_FOUND', 'AUDIT_SAMPLE'] };
    await ht.publish(decision);
    await ht.task(decision.actionId);
    expect((await ht.claim(decision.actionId)).status).toBe(200);
    expect((await ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'Nothing wrong.' })).status).toBe(200);

    const [event] = await reviews.settled(decision.claimId);
    expect(event).toEqual(expect.objectContaining({ claimId: decision.claimId, outcome: 'APPROVE', selection: 'AUDIT_SAMPLE' }));
  });

  it('answers a second completion with 409 and publishes no second event, even when both race', async () => {
    const decision = reviewDecision({ fraudProbability: 0.3 });
    await ht.publish(decision);
    await ht.task(decision.actionId);
    expect((await ht.claim(decision.actionId)).status).toBe(200);

    const race = await Promise.all([
      ht.complete(decision.actionId, { outcome: 'REJECT', note: 'Serial reported stolen.' }),
      ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'Looks fine.' }),
    ]);
    expect(race.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = race.find((a) => a.status === 200)?.body.review as { outcome: string };

    const again = await ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'Once more.' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(expect.objectContaining({ error: 'already_completed', message: expect.stringContaining(`already completed by ${REVIEWER_ID} (${winner.outcome})`) }));
    expect((await ht.claim(decision.actionId)).body).toEqual(expect.objectContaining({ error: 'already_completed' }));

    const events = await reviews.settled(decision.claimId);
    expect(events.map((e) => e.outcome)).toEqual([winner.outcome]);
  });

  it('refuses to complete without a lease, or under another reviewer\'s lease', async () => {
    const decision = reviewDecision();
    await ht.publish(decision);
    await ht.task(decision.actionId);

    const unclaimed = await ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'ok' });
    expect(unclaimed.status).toBe(409);
    expect(unclaimed.body).toEqual(expect.objectContaining({ error: 'not_claimed', message: expect.stringContaining('claim the task before completing it') }));

    expect((await ht.claim(decision.actionId, OTHER_REVIEWER_KEY)).status).toBe(200);
    const notMine = await ht.claim(decision.actionId);
    expect(notMine.status).toBe(409);
    expect(notMine.body).toEqual(expect.objectContaining({ error: 'claimed_by_other', message: expect.stringContaining(`claimed by ${OTHER_REVIEWER_ID}`) }));
    const stolen = await ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'ok' });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error).toBe('claimed_by_other');
  });

  it('answers 401 without a valid key and 403 without the scope', async () => {
    const decision = reviewDecision();
    await ht.publish(decision);
    await ht.task(decision.actionId);

    expect((await ht.api('/v1/tasks', { key: null })).status).toBe(401);
    expect((await ht.api('/v1/tasks', { key: 'not-a-key' })).status).toBe(401);
    const noRead = await ht.api('/v1/tasks', { key: 'dev-ingest-key' });
    expect(noRead.status).toBe(403);
    expect(noRead.body.message).toContain('reviews:read');
    expect((await ht.api(`/v1/tasks/${decision.actionId}`, { key: 'dev-auditor-key' })).status).toBe(403);
    const noWrite = await ht.claim(decision.actionId, 'dev-auditor-key');
    expect(noWrite.status).toBe(403);
    expect(noWrite.body.message).toContain('reviews:write');
    expect((await ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'ok' }, 'dev-ingest-key')).status).toBe(403);
    expect((await ht.api(`/v1/tasks/${decision.actionId}`)).body).toEqual(expect.objectContaining({ status: 'open' }));
  });

  it('answers invalid requests with 400 naming each bad field', async () => {
    const decision = reviewDecision();
    await ht.publish(decision);
    await ht.task(decision.actionId);
    expect((await ht.claim(decision.actionId)).status).toBe(200);

    const bad = await ht.complete(decision.actionId, { outcome: 'MAYBE', note: '   ', extra: 1 });
    expect(bad.status).toBe(400);
    expect((bad.body.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['extra', 'note', 'outcome']);
    expect(bad.body.message).toContain('outcome must be one of APPROVE, REJECT');

    const tooLong = await ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'x'.repeat(2001) });
    expect(tooLong.body.fields).toEqual([expect.objectContaining({ field: 'note' })]);

    const query = await ht.api('/v1/tasks?status=done&limit=500&cursor=not*valid');
    expect(query.status).toBe(400);
    expect((query.body.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['cursor', 'limit', 'status']);

    const path = await ht.api('/v1/tasks/not-a-task/claim', { method: 'POST' });
    expect(path.status).toBe(400);
    expect(path.body.fields).toEqual([expect.objectContaining({ field: 'taskId' })]);

    // Nothing invalid was recorded: the task is still claimed and can be completed.
    expect((await ht.complete(decision.actionId, { outcome: 'REJECT', note: 'Invoice forged.' })).status).toBe(200);
  });
});

describe('human-task leases (LEASE_SECONDS=1)', () => {
  let ht: HumanTaskUnderTest;
  let reviews: CompletedReviews;

  beforeAll(async () => {
    reviews = await CompletedReviews.start();
    ht = await HumanTaskUnderTest.start(13502, { LEASE_SECONDS: '1' });
  });

  afterAll(async () => {
    await ht?.stop();
    await reviews?.stop();
  });

  it('lets an expired lease go: the holder gets a clear 409 and another reviewer can claim and complete', async () => {
    const decision = reviewDecision({ fraudProbability: 0.1 });
    await ht.publish(decision);
    await ht.task(decision.actionId);

    expect((await ht.claim(decision.actionId)).status).toBe(200);
    expect((await ht.claim(decision.actionId, OTHER_REVIEWER_KEY)).status).toBe(409);

    await waitFor('the lease to expire', async () => ((await ht.api(`/v1/tasks/${decision.actionId}`)).body.status === 'open' ? true : undefined), 5000, 100);
    const late = await ht.complete(decision.actionId, { outcome: 'REJECT', note: 'Too late.' });
    expect(late.status).toBe(409);
    expect(late.body).toEqual(expect.objectContaining({ error: 'lease_expired', message: expect.stringContaining('your lease on this task expired at') }));

    const taken = await ht.claim(decision.actionId, OTHER_REVIEWER_KEY);
    expect(taken.status).toBe(200);
    expect(taken.body.lease).toEqual(expect.objectContaining({ holder: OTHER_REVIEWER_ID, yours: true }));
    const done = await ht.complete(decision.actionId, { outcome: 'APPROVE', note: 'Checked with the dealer.' }, OTHER_REVIEWER_KEY);
    expect(done.status).toBe(200);

    const events = await reviews.settled(decision.claimId);
    expect(events).toEqual([expect.objectContaining({ outcome: 'APPROVE', reviewerId: OTHER_REVIEWER_ID, modelRecommendation: 'APPROVE' })]);
  });
});
