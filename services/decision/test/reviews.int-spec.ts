import { ClaimDecided, deterministicUuid, dlqTopicOf, ReviewCompleted } from '@claims-mesh/contracts';
import { DLQ_HEADERS } from '@claims-mesh/kafka';
import {
  sampleDecided,
  sampleReview,
  ServiceProcess,
  subjectRefOfCustomer,
  testKafka,
  TopicTail,
  waitFor,
} from '@claims-mesh/testing';
import {
  DecisionPipe,
  REVIEWS,
  RULE_SET_VERSION,
  scoredClaim,
  startDecisionService,
} from './decision-harness';

const PORT = 13411;

/** A reviewer's verdict on a REVIEW decision, completed a minute after it. */
function verdict(
  inReview: ClaimDecided,
  outcome: ReviewCompleted['outcome'],
  modelRecommendation: ReviewCompleted['modelRecommendation'],
): ReviewCompleted {
  // Its subject is the claim's customer, as human-task names it (the pipe seals the reviewer and note under it).
  return { ...sampleReview(inReview), outcome, modelRecommendation, subjectRef: subjectRefOfCustomer(inReview.claim.customerId) };
}

describe('decision service: final decisions after human review (real Kafka, registry and Redis)', () => {
  let service: ServiceProcess;
  let pipe: DecisionPipe;

  beforeAll(async () => {
    service = await startDecisionService(PORT);
    pipe = await DecisionPipe.open();
  });

  afterAll(async () => {
    await pipe?.close();
    await service?.stop();
  });

  /** Sends a claim the rules send to review, and answers its REVIEW decision. */
  async function claimInReview(): Promise<ClaimDecided> {
    const scored = scoredClaim({
      score: { fraudProbability: 0.7, confidence: 0.4 },
      features: { serialNumberSeenBefore: true },
    });
    await pipe.sendScored([scored]);
    const [[{ value }]] = await pipe.awaitDecisions([scored.claimId]);
    expect(value).toMatchObject({
      action: 'REVIEW',
      final: false,
      reasonCodes: ['ELEVATED_FRAUD_SCORE', 'SERIAL_SEEN_BEFORE'],
    });
    return value;
  }

  it('publishes the reviewer’s verdict as the final decision, overriding the model when it says otherwise', async () => {
    const inReview = await claimInReview();
    const review = verdict(inReview, 'APPROVE', 'REJECT');
    await pipe.sendReviews([review]);

    const [[, { value: decision }]] = await pipe.awaitDecisions([inReview.claimId], 2);
    expect(decision).toEqual({
      eventId: deterministicUuid(review.eventId, RULE_SET_VERSION),
      claimId: inReview.claimId,
      causationId: review.eventId,
      actionId: deterministicUuid(inReview.claimId, RULE_SET_VERSION, review.eventId),
      action: 'APPROVE',
      reasonCodes: inReview.reasonCodes,
      ruleSetVersion: RULE_SET_VERSION,
      final: true,
      reviewerOverrode: true,
      claim: inReview.claim,
      model: inReview.model,
      route: inReview.route,
      shard: inReview.shard,
      fraudProbability: inReview.fraudProbability,
      confidence: inReview.confidence,
      timestamps: { ...review.timestamps, decidedAt: expect.any(Number) },
      evidenceDeadline: null,
    });
    expect(decision.timestamps.reviewedAt).toBe(review.completedAt);
  });

  it('records that the reviewer did not override when the verdict follows the model', async () => {
    const inReview = await claimInReview();
    await pipe.sendReviews([verdict(inReview, 'REJECT', 'REJECT')]);

    const [[, { value: decision }]] = await pipe.awaitDecisions([inReview.claimId], 2);
    expect(decision).toMatchObject({ action: 'REJECT', final: true, reviewerOverrode: false });
  });

  it('counts decisions by action, rule-set version, model and route, and reviewer overrides against reviews by how the claim was drawn', async () => {
    const before = await metricsOf(service);
    const inReview = await claimInReview();
    await pipe.sendReviews([verdict(inReview, 'REJECT', 'APPROVE')]);
    await pipe.awaitDecisions([inReview.claimId], 2);
    const after = await metricsOf(service);

    const added = (name: string, labels: Record<string, string>) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
    const version = {
      rule_set_version: RULE_SET_VERSION,
      model: `${inReview.model.name}:${inReview.model.version}`,
      route: inReview.route,
    };
    // Other suites may feed claims.scored.v1 meanwhile, so automatic decisions are at least this suite's one.
    expect(
      added('decisions_total', { ...version, action: 'REVIEW', decided_by: 'rules' }),
    ).toBeGreaterThanOrEqual(1);
    expect(added('decisions_total', { ...version, action: 'REJECT', decided_by: 'reviewer' })).toBe(1);
    expect(added('reviews_completed_total', { ...version, selection: 'RISK' })).toBe(1);
    expect(added('reviewer_overrides_total', { ...version, selection: 'RISK' })).toBe(1);
  });

  it('dead-letters a verdict on a task it never sent to review, saying so', async () => {
    const deadLetters = await TopicTail.start(testKafka('it-decision-dlq'), [dlqTopicOf(REVIEWS)]);
    try {
      const unknown = verdict(sampleDecided(), 'APPROVE', 'APPROVE');
      await pipe.sendReviews([unknown]);

      const letter = await waitFor('the dead letter', async () =>
        deadLetters.byKey(dlqTopicOf(REVIEWS)).get(unknown.claimId)?.[0],
      );
      expect(letter.headers?.[DLQ_HEADERS.errorClass]?.toString()).toBe('InvalidRecordError');
      expect(letter.headers?.[DLQ_HEADERS.errorMessage]?.toString()).toContain(
        `review ${unknown.eventId} of task ${unknown.taskId} (actionId ${unknown.actionId}, claim ${unknown.claimId}) refers to an unknown task`,
      );
      expect(await pipe.decisionsOf([unknown.claimId])).toEqual([[]]);
    } finally {
      await deadLetters.stop();
    }
  });
});

async function metricsOf(service: ServiceProcess): Promise<string> {
  return (await fetch(service.url('/metrics'))).text();
}

/** The value of the series of `name` that has all of `labels` (0 when there is none yet). */
function metricValue(metrics: string, name: string, labels: Record<string, string>): number {
  const line = metrics
    .split('\n')
    .find(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
