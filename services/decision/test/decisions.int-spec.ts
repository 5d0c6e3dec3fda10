import { Action, ClaimScored, deterministicUuid, dlqTopicOf } from '@claims-mesh/contracts';
import { DLQ_HEADERS } from '@claims-mesh/kafka';
import { claimIdInAuditSample, commitGroupOffsets, ServiceProcess, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';
import {
  DecisionPipe,
  freshGroupAtTopicEnds,
  RULE_SET_VERSION,
  SCORED,
  scoredClaim,
  startDecisionService,
} from './decision-harness';

const PORT = 13401;

describe('decision service: rules to decisions (real Kafka, registry and Redis)', () => {
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

  const cases: [name: string, claim: ClaimScored, action: Action, reasonCodes: string[]][] = [
    ['an unremarkable claim', scoredClaim(), 'APPROVE', ['NO_RISK_FOUND']],
    [
      'an unremarkable claim drawn for the audit sample',
      scoredClaim({ claim: { claimId: claimIdInAuditSample() } }),
      'REVIEW',
      ['NO_RISK_FOUND', 'AUDIT_SAMPLE'],
    ],
    [
      'a doubtful score on a serial claimed before',
      scoredClaim({
        score: { fraudProbability: 0.6, confidence: 0.2 },
        features: { serialNumberSeenBefore: true },
      }),
      'REVIEW',
      ['ELEVATED_FRAUD_SCORE', 'SCORE_UNCERTAIN', 'SERIAL_SEEN_BEFORE'],
    ],
    [
      'an amount over the EUR limit',
      scoredClaim({ claim: { amountMinor: 500_000, currency: 'EUR' } }),
      'REVIEW',
      ['AMOUNT_OVER_AUTO_LIMIT'],
    ],
    [
      'a canary that is sure of fraud',
      scoredClaim({ score: { fraudProbability: 0.95, confidence: 0.9, route: 'CANARY' } }),
      'REVIEW',
      ['ELEVATED_FRAUD_SCORE'],
    ],
    [
      'some risk without any photo (also a reused serial)',
      scoredClaim({
        score: { fraudProbability: 0.3 },
        features: { mediaCount: 0, serialNumberSeenBefore: true },
      }),
      'REQUEST_INFO',
      ['NO_EVIDENCE'],
    ],
    [
      'the teacher sure of fraud',
      scoredClaim({ score: { fraudProbability: 0.95, confidence: 0.9, route: 'TEACHER' } }),
      'REJECT',
      ['HIGH_FRAUD_SCORE'],
    ],
  ];

  it('publishes exactly one decision per scored claim, with the action and reason codes of the shipped rules', async () => {
    await pipe.sendScored(
      cases.map(([, claim]) => claim),
      0,
    );
    await pipe.settle(0);

    const decided = await pipe.decisionsOf(cases.map(([, claim]) => claim.claimId));
    cases.forEach(([name, scored, action, reasonCodes], i) => {
      expect({ name, count: decided[i].length }).toEqual({ name, count: 1 });
      const [{ value: decision }] = decided[i];
      expect({ name, action: decision.action, reasonCodes: decision.reasonCodes }).toEqual({
        name,
        action,
        reasonCodes,
      });
      expect(decision).toEqual({
        eventId: deterministicUuid(scored.eventId, RULE_SET_VERSION),
        claimId: scored.claimId,
        causationId: scored.eventId,
        actionId: deterministicUuid(scored.claimId, RULE_SET_VERSION, scored.eventId),
        action,
        reasonCodes,
        ruleSetVersion: RULE_SET_VERSION,
        final: action !== 'REVIEW' && action !== 'REQUEST_INFO',
        reviewerOverrode: null,
        claim: scored.claim,
        model: scored.model,
        route: scored.route,
        shard: scored.shard,
        fraudProbability: scored.fraudProbability,
        confidence: scored.confidence,
        timestamps: { ...scored.timestamps, decidedAt: expect.any(Number) },
        evidenceDeadline: action === 'REQUEST_INFO' ? expect.any(Number) : null,
      });
      expect(decision.timestamps.decidedAt).toBeGreaterThanOrEqual(scored.timestamps.scoredAt ?? 0);
    });
  });

  it('absorbs a scored event delivered twice: the second delivery publishes nothing', async () => {
    const claim = scoredClaim({ score: { fraudProbability: 0.7 } });
    await pipe.sendScored([claim], 1);
    await pipe.sendScored([claim], 1);
    await pipe.settle(1);

    const [decisions] = await pipe.decisionsOf([claim.claimId]);
    expect(decisions).toHaveLength(1);
    expect(decisions[0].value.actionId).toBe(
      deterministicUuid(claim.claimId, RULE_SET_VERSION, claim.eventId),
    );
  });

  it('dead-letters a scored claim the rules cannot judge, naming why, and goes on with the next', async () => {
    const deadLetters = await TopicTail.start(testKafka('it-decision-dlq'), [dlqTopicOf(SCORED)]);
    try {
      const broken = scoredClaim({ score: { fraudProbability: 1.7 } });
      const next = scoredClaim();
      await pipe.sendScored([broken, next], 2);
      await pipe.settle(2);

      const [brokenDecisions, nextDecisions] = await pipe.decisionsOf([broken.claimId, next.claimId]);
      expect(brokenDecisions).toHaveLength(0);
      expect(nextDecisions).toHaveLength(1);
      const letter = await waitFor('the dead letter', async () =>
        deadLetters.byKey(dlqTopicOf(SCORED)).get(broken.claimId)?.[0],
      );
      expect(letter.headers?.[DLQ_HEADERS.errorClass]?.toString()).toBe('InvalidRecordError');
      expect(letter.headers?.[DLQ_HEADERS.errorMessage]?.toString()).toBe(
        'fraudProbability 1.7 is not within 0..1',
      );
      expect(letter.headers?.[DLQ_HEADERS.service]?.toString()).toBe('decision');
    } finally {
      await deadLetters.stop();
    }
  });
});

describe('decision service: redelivery of the same record (real Kafka, registry and Redis)', () => {
  it('publishes the identical record again, same ids and decidedAt, when the record is consumed again', async () => {
    const groupId = await freshGroupAtTopicEnds();
    const pipe = await DecisionPipe.open();
    const claim = scoredClaim({ score: { fraudProbability: 0.6 } });
    let service = await startDecisionService(PORT + 1, {}, groupId);
    try {
      const [{ partition, baseOffset }] = await pipe.sendScored([claim], 3);
      const [[first]] = await pipe.awaitDecisions([claim.claimId]);
      await service.stop();

      // As after a crash before the commit: the group's position goes back to the record
      // (a standalone commit of the empty group's offset, without joining it).
      await commitGroupOffsets(groupId, [{ topic: SCORED, partition, offset: baseOffset }]);
      service = await startDecisionService(PORT + 1, {}, groupId);

      const [[again, replayed]] = await pipe.awaitDecisions([claim.claimId], 2);
      expect(again).toBe(first);
      expect(replayed.value).toEqual(first.value);
      expect(replayed.bytes.equals(first.bytes)).toBe(true);
    } finally {
      await service.stop();
      await pipe.close();
    }
  });
});
