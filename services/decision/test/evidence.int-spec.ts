import { randomUUID } from 'node:crypto';
import { AvroSerde, ClaimEvidence, ClaimSubmitted, deterministicUuid, Topic } from '@claims-mesh/contracts';
import type { KafkaProducer } from '@claims-mesh/kafka';
import { decodeOpened, sampleEvidence, ServiceProcess, stack, startGroupAtEnd, testKafka, testProducer, TopicTail, waitFor } from '@claims-mesh/testing';
import { DecisionPipe, RULE_SET_VERSION, scoredClaim, startDecisionService } from './decision-harness';

const SUBMITTED: Topic = 'claims.submitted.v1';
const EVIDENCE: Topic = 'claims.evidence.v1';

/** A claim the shipped rules answer with REQUEST_INFO (NO_EVIDENCE: some risk and no photo). */
function requestInfoClaim() {
  return scoredClaim({ score: { fraudProbability: 0.3 }, features: { mediaCount: 0 }, claim: { mediaCount: 0 } });
}

async function startWithEvidence(port: number, env: Record<string, string>): Promise<ServiceProcess> {
  const groupId = `decision-it-${randomUUID()}`;
  await startGroupAtEnd(groupId, ['claims.scored.v1', 'reviews.completed.v1', EVIDENCE]);
  return startDecisionService(port, { REDIS_KEY_PREFIX: `decision-it-${randomUUID()}`, ...env }, groupId);
}

describe('decision service: evidence requests (real Kafka, registry and Redis)', () => {
  let pipe: DecisionPipe;
  let producer: KafkaProducer;
  let submitted: TopicTail;
  const serde = AvroSerde.forRegistry(stack.registryUrl);

  beforeAll(async () => {
    pipe = await DecisionPipe.open();
    const kafka = testKafka('it-decision-evidence');
    producer = testProducer(kafka);
    await producer.connect();
    submitted = await TopicTail.start(kafka, [SUBMITTED]);
  });

  afterAll(async () => {
    await submitted?.stop();
    await producer?.disconnect();
    await pipe?.close();
  });

  async function sendEvidence(evidence: ClaimEvidence): Promise<void> {
    await producer.send({ topic: EVIDENCE, messages: [{ key: evidence.claimId, value: await serde.encode(EVIDENCE, evidence) }] });
  }

  async function revisionsOf(claimId: string, count: number): Promise<ClaimSubmitted[]> {
    return waitFor(`${count} revision(s) of claim ${claimId}`, async () => {
      const found: ClaimSubmitted[] = [];
      for (const { message } of submitted.records) {
        if (message.key?.toString() !== claimId || !message.value) continue;
        found.push(await decodeOpened<ClaimSubmitted>(serde, SUBMITTED, message.value));
      }
      return found.length >= count ? found : undefined;
    });
  }

  it('keeps a REQUEST_INFO open until evidence comes, then sends the claim round again as its next revision', async () => {
    const service = await startWithEvidence(13411, { EVIDENCE_DEADLINE_SECONDS: '3600' });
    try {
      const scored = requestInfoClaim();
      await pipe.sendScored([scored]);
      const [[{ value: request }]] = await pipe.awaitDecisions([scored.claimId]);
      expect(request).toMatchObject({ action: 'REQUEST_INFO', reasonCodes: ['NO_EVIDENCE'], final: false });
      expect(request.evidenceDeadline).toBe((request.timestamps.decidedAt ?? 0) + 3_600_000);

      const evidence = sampleEvidence({ claimId: scored.claimId, mediaCount: 2, description: 'Two photos.', serialNumber: 'SN-NEW-1' });
      await sendEvidence(evidence);
      const [revision] = await revisionsOf(scored.claimId, 1);
      expect(revision).toEqual({
        ...scored.claim,
        eventId: deterministicUuid(scored.claimId, evidence.eventId, 'revision-1'),
        mediaCount: 2,
        description: `${scored.claim.description}\nTwo photos.`,
        serialNumber: 'SN-NEW-1',
        revision: 1,
        timestamps: { submittedAt: scored.claim.timestamps.submittedAt, enrichedAt: null, scoredAt: null, decidedAt: null, reviewedAt: null },
      });

      // The same evidence again (a replay) gives the same revision; other evidence for the answered request gives none.
      await sendEvidence(evidence);
      await sendEvidence(sampleEvidence({ claimId: scored.claimId }));
      const revisions = await revisionsOf(scored.claimId, 2);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect((await revisionsOf(scored.claimId, 2)).length).toBe(2);
      expect(revisions[1]).toEqual(revision);
      // No deadline decision follows an answered request.
      expect((await pipe.decisionsOf([scored.claimId]))[0]).toHaveLength(1);
    } finally {
      await service.stop();
    }
  });

  it('closes a claim whose evidence did not come before its deadline with a final REJECT, EVIDENCE_NOT_RECEIVED', async () => {
    const service = await startWithEvidence(13412, { EVIDENCE_DEADLINE_SECONDS: '2', EVIDENCE_SWEEP_INTERVAL_MS: '200' });
    try {
      const scored = requestInfoClaim();
      await pipe.sendScored([scored]);
      const [[{ value: request }, { value: lapsed }]] = await pipe.awaitDecisions([scored.claimId], 2, 30_000);
      expect(request).toMatchObject({ action: 'REQUEST_INFO', final: false });
      expect(lapsed).toEqual({
        ...request,
        eventId: deterministicUuid(request.eventId, 'EVIDENCE_NOT_RECEIVED'),
        causationId: request.eventId,
        actionId: deterministicUuid(scored.claimId, RULE_SET_VERSION, request.eventId, 'EVIDENCE_NOT_RECEIVED'),
        action: 'REJECT',
        reasonCodes: ['NO_EVIDENCE', 'EVIDENCE_NOT_RECEIVED'],
        final: true,
        timestamps: { ...request.timestamps, decidedAt: request.evidenceDeadline },
      });
      // Evidence after the deadline sends nothing round again.
      await sendEvidence(sampleEvidence({ claimId: scored.claimId }));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(submitted.records.filter((r) => r.message.key?.toString() === scored.claimId)).toHaveLength(0);
      expect((await pipe.decisionsOf([scored.claimId]))[0]).toHaveLength(2);
    } finally {
      await service.stop();
    }
  });
});
