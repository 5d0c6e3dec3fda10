import { randomUUID } from 'node:crypto';
import { InvalidRecordError } from '@claims-mesh/kafka';
import type { LineageView } from '../src/lineage/lineage-view';
import {
  AuditUnderTest,
  chainRecords,
  KEYS,
  MeshProducer,
  reviewedClaimChain,
  stagesOfChain,
} from './audit-harness';

describe('audit: lineage of a claim (real Kafka, registry and Redis)', () => {
  let audit: AuditUnderTest;
  let mesh: MeshProducer;

  beforeAll(async () => {
    audit = await AuditUnderTest.start(13601);
    mesh = await MeshProducer.connect();
  });

  afterAll(async () => {
    await mesh?.close();
    await audit?.stop();
  });

  it('turns the records of a full chain into the ordered lineage with provenance and end-to-end latency', async () => {
    const chain = reviewedClaimChain();
    await mesh.send(chainRecords(chain));

    const lineage = await audit.lineageOfChain(chain);
    const stages = stagesOfChain(lineage, chain);

    expect(stages.map((s) => s.stage)).toEqual([
      'submitted',
      'enriched',
      'scored',
      'shadow-scored',
      'decided',
      'reviewed',
      'decided',
    ]);
    expect(stages.map((s) => s.eventId)).toEqual(chainRecords(chain).map(([, value]) => value.eventId));
    const t = chain.final.timestamps;
    expect(stages.map((s) => s.at)).toEqual([
      t.submittedAt,
      t.enrichedAt,
      t.scoredAt,
      t.scoredAt,
      chain.review.timestamps.decidedAt,
      t.reviewedAt,
      t.decidedAt,
    ]);
    for (const stage of stages) {
      const [topic] = chainRecords(chain).find(([, value]) => value.eventId === stage.eventId)!;
      expect(stage.topic).toBe(topic);
      expect(stage.partition).toEqual(expect.any(Number));
      expect(stage.offset).toMatch(/^\d+$/);
      expect(stage.schemaId).toBe((await mesh.serde.writerFor(topic)).id);
    }
    expect(lineage.provenance).toEqual({
      featureSetVersion: 'fs-1',
      model: { name: 'fraud_student', version: '1' },
      route: 'STUDENT',
      shard: 'triton-0',
      shadowModel: { name: 'fraud_teacher', version: '3' },
      ruleSetVersion: 'rules-1',
      actionId: chain.final.actionId,
      reviewerOutcome: 'APPROVE',
    });
    expect(lineage.finalDecision).toEqual({
      action: 'APPROVE',
      actionId: chain.final.actionId,
      ruleSetVersion: 'rules-1',
      eventId: chain.final.eventId,
      submittedAt: t.submittedAt,
      decidedAt: t.decidedAt,
      endToEndLatencyMs: (t.decidedAt ?? 0) - t.submittedAt,
    });
    expect(lineage.claim).toEqual(
      expect.objectContaining({ claimId: chain.claim.claimId, amountMinor: chain.claim.amountMinor }),
    );
    expect(lineage.erasure).toBeNull();
  });

  it('gives the same lineage when the same records are delivered again: no stage twice', async () => {
    const chain = reviewedClaimChain();
    await mesh.send(chainRecords(chain), 0);
    const first = stagesOfChain(await audit.lineageOfChain(chain), chain);

    // The replay, then a second claim behind it on the same partitions: once the second
    // claim is complete, every replayed record has been consumed.
    const marker = reviewedClaimChain();
    await mesh.send(chainRecords(chain), 0);
    await mesh.send(chainRecords(marker), 0);
    await audit.lineageOfChain(marker);

    const again = await audit.get<LineageView>(`/v1/lineage/${chain.claim.claimId}`, KEYS.auditor);
    expect(stagesOfChain(again.body, chain)).toEqual(first);
    const stageKeys = again.body.stages.map((s) => `${s.stage}:${s.eventId}:${s.sourceOffset ?? ''}`);
    expect(new Set(stageKeys).size).toBe(stageKeys.length);
    expect(again.body.finalDecision?.eventId).toBe(chain.final.eventId);
    expect(await audit.metric('audit_lineage_writes_total', { result: 'duplicate' })).toBeGreaterThanOrEqual(
      7,
    );
  });

  it('adds a dead letter to the lineage of the claim it names, with the reason and the failed record', async () => {
    const chain = reviewedClaimChain();
    await mesh.send(chainRecords(chain).slice(0, 3));
    await audit.lineageWhen(chain.claim.claimId, (l) =>
      l.stages.some((s) => s.eventId === chain.scored.eventId),
    );
    const before = await audit.metric('audit_dead_letters_total', { source_topic: 'claims.scored.v1' });

    const scoredBytes = await mesh.serde.encode('claims.scored.v1', chain.scored);
    await mesh.sendDeadLetter(
      'claims.scored.v1',
      chain.claim.claimId,
      scoredBytes,
      new InvalidRecordError('no rule matches product "phone"'),
      'decision',
      '4242',
    );

    const lineage = await audit.lineageWhen(chain.claim.claimId, (l) =>
      l.stages.some((s) => s.stage === 'dead-lettered'),
    );
    const letter = lineage.stages.find((s) => s.stage === 'dead-lettered');
    expect(letter).toEqual(
      expect.objectContaining({
        topic: 'claims.scored.v1.dlq',
        eventId: chain.scored.eventId,
        schemaId: (await mesh.serde.writerFor('claims.scored.v1')).id,
        sourceTopic: 'claims.scored.v1',
        sourcePartition: 2,
        sourceOffset: '4242',
        service: 'decision',
        errorClass: 'InvalidRecordError',
        errorMessage: 'no rule matches product "phone"',
      }),
    );
    expect(
      await audit.metric('audit_dead_letters_total', { source_topic: 'claims.scored.v1' }),
    ).toBeGreaterThanOrEqual(before + 1);
  });

  it('records dead letters whose bytes never decode, and those of the JSON entrance, by their key', async () => {
    const claimId = randomUUID();
    await mesh.sendDeadLetter(
      'claims.enriched.v1',
      claimId,
      Buffer.from('not avro at all'),
      new Error('BAD_MAGIC_BYTE: expected magic byte 0'),
      'inference-gateway',
    );
    await mesh.sendDeadLetter(
      'claims.inbound.json.v1',
      claimId,
      Buffer.from('{"claimId": 7'),
      new InvalidRecordError('value is not JSON'),
      'ingest',
    );

    const lineage = await audit.lineageWithStages(claimId, 2);

    expect(lineage.stages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stage: 'dead-lettered',
          sourceTopic: 'claims.enriched.v1',
          eventId: null,
          schemaId: null,
          errorClass: 'Error',
          service: 'inference-gateway',
        }),
        expect.objectContaining({
          stage: 'dead-lettered',
          sourceTopic: 'claims.inbound.json.v1',
          errorMessage: 'value is not JSON',
          service: 'ingest',
        }),
      ]),
    );
    expect(lineage.claim).toBeNull();
  });

  it('answers 404 with a JSON error for a claim it never saw', async () => {
    const res = await audit.get(`/v1/lineage/${randomUUID()}`, KEYS.auditor);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: 'not_found',
      message: expect.stringContaining('no lineage for claim'),
    });
  });

  it('exports lineage writes and the end-to-end latency of each finally decided claim', async () => {
    const chain = reviewedClaimChain();
    const latencies = await audit.metric('audit_end_to_end_latency_seconds_count', { action: 'APPROVE' });
    await mesh.send(chainRecords(chain));
    await audit.lineageWithStages(chain.claim.claimId, 7);

    expect(
      await audit.metric('audit_end_to_end_latency_seconds_count', { action: 'APPROVE' }),
    ).toBeGreaterThanOrEqual(latencies + 1);
    expect(
      await audit.metric('audit_lineage_writes_total', { stage: 'reviewed', result: 'recorded' }),
    ).toBeGreaterThanOrEqual(1);
  });
});
