import { AvroSerde, ClaimDecided, ReviewCompleted } from '@claims-mesh/contracts';
import { decodeOpened, Mesh, stack, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';
import { ReviewerSimulator, ReviewerSimulatorError } from '../reviewer/reviewer-simulator';
import { populationStabilityIndex } from '../synthetic/evaluation';
import { baselineFraudLogit, ClaimFeatures, matchesRingPattern } from '../synthetic/fraud-truth';
import { GroundTruth, TruthSource } from '../synthetic/ground-truth';
import { labelledClaims } from '../synthetic/labelled-claims';
import { submitLabelledClaims } from '../synthetic/submit-claims';

const DECIDED = 'claims.decided.v1';
const REVIEWS = 'reviews.completed.v1';
const NUMERIC: (keyof ClaimFeatures)[] = [
  'customerClaimCount1h',
  'customerClaimCount24h',
  'amountZScore',
  'daysSincePolicyStart',
  'descriptionLength',
  'mediaCount',
];
/** The fields ingest's claim request has: nothing else may go out with a claim. */
const REQUEST_FIELDS = [
  'amountMinor',
  'channel',
  'currency',
  'customerEmail',
  'customerId',
  'description',
  'mediaCount',
  'policyId',
  'policyStartDate',
  'product',
  'region',
  'serialNumber',
];

describe('synthetic claims with ground truth (pure logic)', () => {
  const values = (claims: ReturnType<typeof labelledClaims>, feature: keyof ClaimFeatures) =>
    claims.map((c) => Number(c.features[feature]));

  it('draws the same claims from the same seed and sends no truth with them', () => {
    const a = labelledClaims(500, { seed: 3, runId: 'r', now: Date.UTC(2026, 0, 1) });
    const b = labelledClaims(500, { seed: 3, runId: 'r', now: Date.UTC(2026, 0, 1) });
    expect(a).toEqual(b);
    for (const { request } of a) expect(Object.keys(request).sort()).toEqual(REQUEST_FIELDS);
    const fraudRate = a.filter((c) => c.fraud).length / a.length;
    expect(fraudRate).toBeGreaterThan(0.02);
    expect(fraudRate).toBeLessThan(0.1);
  });

  it('shifts descriptionLength and mediaCount past the drift alert (PSI > 0.2) and leaves the other features stable', () => {
    const baseline = labelledClaims(3000, { seed: 7 });
    const again = labelledClaims(3000, { seed: 9 });
    const shifted = labelledClaims(3000, { seed: 8, mode: 'shifted' });
    for (const feature of NUMERIC) {
      const drift = populationStabilityIndex(values(baseline, feature), values(shifted, feature));
      expect({
        feature,
        stable: populationStabilityIndex(values(baseline, feature), values(again, feature)) < 0.05,
      }).toEqual({ feature, stable: true });
      const moved = feature === 'descriptionLength' || feature === 'mediaCount';
      expect({ feature, drift: moved ? drift > 0.25 : drift < 0.1 }).toEqual({ feature, drift: true });
    }
  });

  it("puts the shifted world's new fraud where the served models' training logic sees safe claims", () => {
    const shifted = labelledClaims(3000, { seed: 8, mode: 'shifted' });
    const ring = shifted.filter((c) => c.pattern === 'ring');
    expect(ring.length / shifted.length).toBeGreaterThan(0.2);
    expect(ring.filter((c) => c.fraud).length / ring.length).toBeGreaterThan(0.7);
    for (const claim of ring) {
      expect(matchesRingPattern(claim.features)).toBe(true);
      expect(baselineFraudLogit(claim.features)).toBeLessThan(-3); // under 5 % by claims_data.py's logit
    }
    expect(
      labelledClaims(3000, { seed: 8 }).filter((c) => matchesRingPattern(c.features)).length,
    ).toBeLessThan(15);
  });
});

describe('reviewer simulator against the mesh (six real services, real stack)', () => {
  let mesh: Mesh;
  let tail: TopicTail;
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  const LEASE_SECONDS = 2;

  beforeAll(async () => {
    tail = await TopicTail.start(testKafka('it-reviewer-sim'), [DECIDED, REVIEWS]);
    // A short lease, so a slow reviewer's lease runs out within the test.
    mesh = await Mesh.start(14400, { LEASE_SECONDS: String(LEASE_SECONDS) });
  }, 120_000);

  afterAll(async () => {
    await mesh?.stop();
    await tail?.stop();
  });

  const humanTaskUrl = () => mesh.service('human-task').url('');

  /** Posts `count` baseline claims, waits for their decisions and for human-task to open a task for each REVIEW. */
  async function batchInReview(
    seed: number,
    count: number,
  ): Promise<{ truth: GroundTruth; reviews: ClaimDecided[] }> {
    const truth = await submitLabelledClaims(labelledClaims(count, { seed }), {
      ingestUrl: mesh.service('ingest').url(''),
    });
    const ids = truth.claimIds();
    await waitFor(
      'every claim decided',
      async () => ids.every((id) => tail.byKey(DECIDED).has(id)) || undefined,
      120_000,
      500,
    );
    const decided = tail.byKey(DECIDED);
    const reviews: ClaimDecided[] = [];
    for (const id of ids) {
      const decisions = await Promise.all(
        (decided.get(id) ?? []).map((m) => serde.decode<ClaimDecided>(DECIDED, m.value as Buffer)),
      );
      const review = decisions.find((d) => d.action === 'REVIEW');
      if (review) reviews.push(review);
    }
    await waitFor(
      'a review task for every REVIEW decision',
      async () => {
        const answers = await Promise.all(
          reviews.map((r) =>
            fetch(`${humanTaskUrl()}/v1/tasks/${r.actionId}`, {
              headers: { 'x-api-key': 'dev-reviewer-key' },
            }),
          ),
        );
        await Promise.all(answers.map((a) => a.body?.cancel()));
        return answers.every((a) => a.status === 200) || undefined;
      },
      30_000,
      500,
    );
    return { truth, reviews };
  }

  /** The reviews.completed.v1 records of these claims, once each has at least one. */
  async function verdictsOf(claimIds: string[]): Promise<Map<string, ReviewCompleted[]>> {
    await waitFor(
      'a verdict record of every claim',
      async () => claimIds.every((id) => tail.byKey(REVIEWS).has(id)) || undefined,
      30_000,
      250,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a duplicate to show up
    const out = new Map<string, ReviewCompleted[]>();
    const records = tail.byKey(REVIEWS);
    for (const id of claimIds) {
      out.set(
        id,
        await Promise.all(
          (records.get(id) ?? []).map((m) => decodeOpened<ReviewCompleted>(serde, REVIEWS, m.value as Buffer)),
        ),
      );
    }
    return out;
  }

  const truthful = (fraud: boolean) => (fraud ? 'REJECT' : 'APPROVE');
  const opposite = (fraud: boolean) => (fraud ? 'APPROVE' : 'REJECT');

  it('at accuracy 1, completes every review task with the truth: REJECT for fraud, APPROVE otherwise', async () => {
    const { truth, reviews } = await batchInReview(21, 400);
    expect(reviews.length).toBeGreaterThanOrEqual(5);
    // Frauds and genuine claims both wait for review, so both verdicts are checked.
    expect(new Set(reviews.map((r) => truth.fraudOf(r.claimId)))).toEqual(new Set([true, false]));

    const report = await new ReviewerSimulator({
      humanTaskUrl: humanTaskUrl(),
      truth,
      accuracy: 1,
      reviewers: 2,
      apiKeys: ['dev-reviewer-key', 'dev-admin-key'],
      idleMs: 2000,
      seed: 5,
    }).run();

    expect({ worked: report.worked, correct: report.correct, unknown: report.unknownSkipped }).toEqual({
      worked: reviews.length,
      correct: reviews.length,
      unknown: 0,
    });
    expect(new Set(report.verdicts.map((v) => v.taskId))).toEqual(new Set(reviews.map((r) => r.actionId)));
    const verdicts = await verdictsOf(reviews.map((r) => r.claimId));
    for (const review of reviews) {
      const fraud = truth.fraudOf(review.claimId) as boolean;
      expect({
        claimId: review.claimId,
        outcomes: verdicts.get(review.claimId)?.map((v) => v.outcome),
      }).toEqual({
        claimId: review.claimId,
        outcomes: [truthful(fraud)],
      });
    }
    // Both reviewers (two API keys, so two reviewer ids) worked the queue.
    expect(new Set([...verdicts.values()].flat().map((v) => v.reviewerId)).size).toBe(2);
  });

  it('at accuracy 0, gives the opposite verdict on every task of another batch, and leaves tasks of unknown claims alone', async () => {
    const { truth, reviews } = await batchInReview(22, 400);
    expect(reviews.length).toBeGreaterThanOrEqual(5);
    expect(new Set(reviews.map((r) => truth.fraudOf(r.claimId)))).toEqual(new Set([true, false]));
    const [held, ...known] = reviews;
    const partial: TruthSource = {
      fraudOf: (claimId) => (claimId === held.claimId ? undefined : truth.fraudOf(claimId)),
    };

    const report = await new ReviewerSimulator({
      humanTaskUrl: humanTaskUrl(),
      truth: partial,
      accuracy: 0,
      idleMs: 2000,
    }).run();

    expect({ worked: report.worked, incorrect: report.incorrect, unknown: report.unknownSkipped }).toEqual({
      worked: known.length,
      incorrect: known.length,
      unknown: 1,
    });
    const verdicts = await verdictsOf(known.map((r) => r.claimId));
    for (const review of known) {
      const fraud = truth.fraudOf(review.claimId) as boolean;
      expect(verdicts.get(review.claimId)?.map((v) => v.outcome)).toEqual([opposite(fraud)]);
    }
    const left = await fetch(`${humanTaskUrl()}/v1/tasks/${held.actionId}`, {
      headers: { 'x-api-key': 'dev-reviewer-key' },
    });
    expect(((await left.json()) as { status: string }).status).toBe('open');
    expect(tail.byKey(REVIEWS).has(held.claimId)).toBe(false);

    // The held-back task: a reviewer who thinks longer than the lease gets a 409 lease_expired,
    // claims the task again and resubmits; the verdict is recorded once.
    const slow = await new ReviewerSimulator({
      humanTaskUrl: humanTaskUrl(),
      truth,
      thinkTimeMs: LEASE_SECONDS * 1000 * 3,
      idleMs: 500,
    }).run();
    expect({ worked: slow.worked, conflicts: slow.conflictsByKind }).toEqual({
      worked: 1,
      conflicts: { lease_expired: 1 },
    });
    const [verdict] = (await verdictsOf([held.claimId])).get(held.claimId) as ReviewCompleted[];
    expect(verdict.outcome).toBe(truthful(truth.fraudOf(held.claimId) as boolean));
  });

  it('stops with a clear error when the API key is refused', async () => {
    const run = new ReviewerSimulator({
      humanTaskUrl: humanTaskUrl(),
      truth: new GroundTruth(),
      apiKeys: ['not-a-key'],
      idleMs: 500,
    }).run();
    await expect(run).rejects.toThrow(ReviewerSimulatorError);
    await expect(run).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('the API key was not accepted'),
    });
  });
});
