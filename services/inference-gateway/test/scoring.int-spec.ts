import { deterministicUuid, type ClaimEnriched } from '@claims-mesh/contracts';
import { ServiceProcess, stack } from '@claims-mesh/testing';
import { inCanary } from '../src/scoring/canary-split';
import { directScores, enrichedClaims, GatewayPipe, metricValue, startGateway } from './gateway-harness';

const BAND = { low: 0.3, high: 0.7 };
const CANARY_WEIGHT = 0.3;

describe('inference gateway: scoring on real Triton with the bootstrap routing of its environment (cascade, canary, shadow)', () => {
  let service: ServiceProcess;
  let pipe: GatewayPipe;
  let claims: ClaimEnriched[];

  beforeAll(async () => {
    service = await startGateway(13301, {
      UNCERTAIN_LOW: String(BAND.low),
      UNCERTAIN_HIGH: String(BAND.high),
      CANARY_WEIGHT: String(CANARY_WEIGHT),
      SHADOW_VERSION: '2',
    });
    pipe = await GatewayPipe.open();
    claims = enrichedClaims(300);
    await pipe.send(claims);
  }, 60_000);

  afterAll(async () => {
    await pipe?.close();
    await service?.stop();
  });

  it('publishes exactly one claims.scored.v1 per claim, derived from the enriched event', async () => {
    const scored = await pipe.scoredOf(claims);
    scored.forEach((records, i) => {
      expect(records).toHaveLength(1);
      const [score] = records;
      expect(score.eventId).toBe(deterministicUuid(claims[i].eventId, score.model.name, score.model.version));
      expect(score.causationId).toBe(claims[i].eventId);
      expect(score.claim).toEqual(claims[i].claim);
      expect(score.features).toEqual(claims[i].features);
      expect(stack.tritonShards).toContain(score.shard);
      expect(score.confidence).toBeCloseTo(Math.abs(score.fraudProbability - 0.5) * 2, 10);
      expect(score.batchSize).toBeGreaterThanOrEqual(1);
      expect(score.batchSize).toBeLessThanOrEqual(256);
      expect(score.tritonLatencyMs).toBeGreaterThan(0);
      expect(score.timestamps.scoredAt).toBeGreaterThanOrEqual(claims[i].timestamps.submittedAt);
    });
  });

  it("scores with both models, each probability being the model's own answer for the claim's features", async () => {
    const scored = (await pipe.scoredOf(claims)).map(([score]) => score);
    const byModel = new Map<string, number[]>();
    scored.forEach((score, i) => {
      const key = `${score.model.name}:${score.model.version}`;
      byModel.set(key, [...(byModel.get(key) ?? []), i]);
    });
    expect([...byModel.keys()].map((k) => k.split(':')[0])).toEqual(expect.arrayContaining(['fraud_student', 'fraud_teacher']));
    for (const [key, indexes] of byModel) {
      const [model, version] = key.split(':');
      const direct = await directScores(indexes.map((i) => claims[i]), model, version);
      indexes.forEach((claimIndex, j) => expect(scored[claimIndex].fraudProbability).toBeCloseTo(direct[j], 5));
    }
  });

  it('sends to the teacher exactly the claims whose student probability is in the uncertain band', async () => {
    const scored = (await pipe.scoredOf(claims)).map(([score]) => score);
    for (const version of ['1', '2']) {
      const indexes = claims.map((_, i) => i).filter((i) => scored[i].model.version === version);
      const student = await directScores(indexes.map((i) => claims[i]), 'fraud_student', version);
      indexes.forEach((claimIndex, j) => {
        const score = scored[claimIndex];
        const uncertain = student[j] >= BAND.low && student[j] <= BAND.high;
        expect(score.model.name).toBe(uncertain ? 'fraud_teacher' : 'fraud_student');
        if (uncertain) expect(score.studentProbability).toBeCloseTo(student[j], 5);
        else expect(score.studentProbability).toBeNull();
        if (!inCanary(score.claimId, CANARY_WEIGHT)) expect(score.route).toBe(uncertain ? 'TEACHER' : 'STUDENT');
      });
    }
    expect(scored.some((s) => s.model.name === 'fraud_teacher')).toBe(true);
    expect(scored.some((s) => s.model.name === 'fraud_student')).toBe(true);
  });

  it('scores the canary share (by claimId hash) with the canary version, route CANARY', async () => {
    const scored = (await pipe.scoredOf(claims)).map(([score]) => score);
    for (const score of scored) {
      const canary = inCanary(score.claimId, CANARY_WEIGHT);
      expect(score.model.version).toBe(canary ? '2' : '1');
      if (canary) expect(score.route).toBe('CANARY');
    }
    const share = scored.filter((s) => s.route === 'CANARY').length / scored.length;
    expect(Math.abs(share - CANARY_WEIGHT)).toBeLessThan(0.1);
  });

  it('publishes the score of the shadow version’s cascade to claims.scored.shadow.v1 only, never to claims.scored.v1', async () => {
    const shadow = await pipe.scoredOf(claims, 'shadow');
    const student = await directScores(claims, 'fraud_student', '2');
    const teacher = await directScores(claims, 'fraud_teacher', '2');
    shadow.forEach(([record, ...more], i) => {
      expect(more).toHaveLength(0);
      expect(record.route).toBe('SHADOW');
      const uncertain = student[i] >= BAND.low && student[i] <= BAND.high;
      expect(record.model).toEqual({ name: uncertain ? 'fraud_teacher' : 'fraud_student', version: '2' });
      expect(record.fraudProbability).toBeCloseTo(uncertain ? teacher[i] : student[i], 5);
      if (uncertain) expect(record.studentProbability).toBeCloseTo(student[i], 5);
      else expect(record.studentProbability).toBeNull();
    });
    expect(shadow.some(([record]) => record.model.name === 'fraud_teacher')).toBe(true);
    const scored = await pipe.recordsOf(claims, 'scored');
    for (const records of scored) {
      expect(records).toHaveLength(1);
      expect(records[0].route).not.toBe('SHADOW');
    }
  });

  it('counts calls per route and batch sizes in its metrics', async () => {
    await pipe.scoredOf(claims);
    expect(await metricValue(service, 'gateway_route_calls_total', { route: 'STUDENT' })).toBeGreaterThan(0);
    expect(await metricValue(service, 'gateway_route_calls_total', { route: 'CANARY' })).toBeGreaterThan(0);
    expect(await metricValue(service, 'gateway_batch_size_count', { model: 'fraud_student', version: '1' })).toBeGreaterThan(0);
    expect(await metricValue(service, 'gateway_model_confidence_count', { model: 'fraud_student', version: '1' })).toBeGreaterThan(0);
    expect(await metricValue(service, 'gateway_triton_round_trip_seconds_count', { shard: stack.tritonShards[0] })).toBeGreaterThan(0);
    expect(await metricValue(service, 'gateway_breaker_state', { shard: stack.tritonShards[0] })).toBe(0);
  });
});
