import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClaimEnriched, ClaimScored, Route } from '@claims-mesh/contracts';
import { ServiceProcess, stack, waitFor } from '@claims-mesh/testing';
import { installModelVersion, liveRepository, removeModelVersion, servedVersions } from '@claims-mesh/triton';
import { directScores, enrichedClaims, GatewayPipe, metricValue, startGateway } from './gateway-harness';
import { appliedRouting, Rollouts, waitForRouting } from './rollout-harness';

/** How a routing must have scored a claim: its version, whether as the canary, the band of its cascade. */
interface Expectation {
  version: string;
  canary: boolean;
  band: { low: number; high: number };
}

const BOOTSTRAP_ENV = { MODEL_VERSION: '1', CANARY_WEIGHT: '0', UNCERTAIN_LOW: '0.3', UNCERTAIN_HIGH: '0.7' };
const BOOTSTRAP: Expectation = { version: '1', canary: false, band: { low: 0.3, high: 0.7 } };

/** Each model version's own answer for each claim, asked of Triton directly. */
type Direct = Record<'fraud_student' | 'fraud_teacher', Record<'1' | '2', number[]>>;

async function directOf(claims: ClaimEnriched[]): Promise<Direct> {
  const [s1, s2, t1, t2] = await Promise.all([
    directScores(claims, 'fraud_student', '1'),
    directScores(claims, 'fraud_student', '2'),
    directScores(claims, 'fraud_teacher', '1'),
    directScores(claims, 'fraud_teacher', '2'),
  ]);
  return { fraud_student: { '1': s1, '2': s2 }, fraud_teacher: { '1': t1, '2': t2 } };
}

/**
 * Whether claim i's record is what the routing gives, all of it: the version, the route, the
 * model the band picks from that version's student probability, the final probability being
 * that model's, and the student probability (when escalated) that version's student's.
 */
function scoredUnder(record: ClaimScored, i: number, routing: Expectation, direct: Direct): boolean {
  const version = routing.version as '1' | '2';
  const student = direct.fraud_student[version][i];
  const escalated = student >= routing.band.low && student <= routing.band.high;
  const model = escalated ? 'fraud_teacher' : 'fraud_student';
  const route: Route = routing.canary ? 'CANARY' : escalated ? 'TEACHER' : 'STUDENT';
  const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-5);
  return (
    record.model.version === version &&
    record.model.name === model &&
    record.route === route &&
    close(record.fraudProbability, direct[model][version][i]) &&
    close(record.studentProbability, escalated ? student : null)
  );
}

describe('inference gateway: routing changed by rollout records at run time (real Kafka, registry and Triton)', () => {
  let pipe: GatewayPipe;
  let rollouts: Rollouts;
  let gateways: ServiceProcess[] = [];

  async function gateway(port: number, env: Record<string, string> = {}, beforeStart?: () => Promise<void>): Promise<ServiceProcess> {
    const service = await startGateway(port, { ...BOOTSTRAP_ENV, MODEL_FAMILY: rollouts.family, ...env }, beforeStart);
    gateways.push(service);
    return service;
  }

  beforeAll(async () => {
    pipe = await GatewayPipe.open();
  });

  beforeEach(async () => {
    rollouts = await Rollouts.open();
  });

  afterEach(async () => {
    await Promise.all(gateways.map((service) => service.stop()));
    gateways = [];
    await rollouts.close();
  });

  afterAll(async () => {
    await pipe?.close();
  });

  it('switches new claims to the canary version on a rollout record, and back on a rollback record, without a restart', async () => {
    const service = await gateway(13311);
    const pid = service.pid;
    const direct = async (claims: ClaimEnriched[]) => ({ claims, direct: await directOf(claims) });

    const before = await direct(enrichedClaims(60));
    await pipe.send(before.claims);
    (await pipe.scoredOf(before.claims)).forEach(([record], i) => expect(scoredUnder(record, i, BOOTSTRAP, before.direct)).toBe(true));

    const canary = await rollouts.publish({ canary: { version: '2', weight: 1 }, stage: 'CANARY', candidateVersion: '2' });
    await waitForRouting(service, canary.eventId);
    const during = await direct(enrichedClaims(60));
    await pipe.send(during.claims);
    const canaryExpectation: Expectation = { version: '2', canary: true, band: BOOTSTRAP.band };
    (await pipe.scoredOf(during.claims)).forEach(([record], i) => expect(scoredUnder(record, i, canaryExpectation, during.direct)).toBe(true));

    const rollback = await rollouts.publish({ stage: 'ROLLED_BACK', candidateVersion: '2', reason: 'canary overrides too many decisions' });
    await waitForRouting(service, rollback.eventId);
    const after = await direct(enrichedClaims(60));
    await pipe.send(after.claims);
    (await pipe.scoredOf(after.claims)).forEach(([record], i) => expect(scoredUnder(record, i, BOOTSTRAP, after.direct)).toBe(true));

    expect(service.running && service.pid === pid).toBe(true);
    expect(await metricValue(service, 'gateway_routing_records_total', { outcome: 'applied' })).toBe(2);
    expect(await metricValue(service, 'gateway_routing_stage', { family: rollouts.family, stage: 'ROLLED_BACK' })).toBe(1);
    expect(await metricValue(service, 'gateway_routing_version', { family: rollouts.family, role: 'canary' })).toBe(0);
  }, 120_000);

  it('switches routing under continuous load with no claim lost or duplicated, each scored wholly by one routing', async () => {
    const service = await gateway(13312);
    const claims = enrichedClaims(3000);
    const direct = await directOf(claims);
    // Three routings told apart by version and route, with different bands: a claim scored with
    // one routing's version and another's band would fail every expectation.
    const canary: Expectation = { version: '2', canary: true, band: { low: 0.2, high: 0.8 } };
    const promoted: Expectation = { version: '2', canary: false, band: { low: 0.4, high: 0.6 } };
    const switches = new Map([
      [20, () => rollouts.publish({ canary: { version: '2', weight: 1 }, uncertainLow: 0.2, uncertainHigh: 0.8, stage: 'CANARY', candidateVersion: '2' })],
      [40, () => rollouts.publish({ primaryVersion: '2', uncertainLow: 0.4, uncertainHigh: 0.6, stage: 'PRIMARY', candidateVersion: '2' })],
    ]);
    const published: Promise<unknown>[] = [];
    for (let chunk = 0; chunk * 50 < claims.length; chunk++) {
      const publish = switches.get(chunk);
      if (publish) published.push(publish());
      await pipe.send(claims.slice(chunk * 50, (chunk + 1) * 50));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(published);

    await pipe.scoredOf(claims, 'scored', 120_000);
    // A duplicate would come after the first record: give the gateway time to publish one.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const scored = await pipe.recordsOf(claims, 'scored');
    expect(scored.filter((records) => records.length !== 1).map((records) => records.length)).toEqual([]);

    const routings = [BOOTSTRAP, canary, promoted];
    const matched = scored.map(([record], i) => routings.filter((routing) => scoredUnder(record, i, routing, direct)).length);
    expect(matched.filter((count) => count !== 1)).toEqual([]);
    // The switches happened mid-stream: each routing scored some of the claims.
    for (const routing of routings) expect(scored.some(([record], i) => scoredUnder(record, i, routing, direct))).toBe(true);
    expect(await metricValue(service, 'gateway_routing_records_total', { outcome: 'applied' })).toBe(2);
  }, 240_000);

  it('runs the shadow through the cascade of the shadow version a rollout record names, into the shadow topic only', async () => {
    const service = await gateway(13313);
    const shadow = await rollouts.publish({ shadowVersion: '2', stage: 'SHADOW', candidateVersion: '2', uncertainLow: 0.25, uncertainHigh: 0.75 });
    await waitForRouting(service, shadow.eventId);
    const claims = enrichedClaims(200);
    const direct = await directOf(claims);
    await pipe.send(claims);

    const band = { low: 0.25, high: 0.75 };
    const shadowed = await pipe.scoredOf(claims, 'shadow');
    shadowed.forEach(([record, ...more], i) => {
      expect(more).toHaveLength(0);
      expect(record.route).toBe('SHADOW');
      // The shadow record is the primary path's record of version 2, under the SHADOW route.
      expect(scoredUnder({ ...record, route: 'STUDENT' }, i, { version: '2', canary: false, band }, direct) ||
        scoredUnder({ ...record, route: 'TEACHER' }, i, { version: '2', canary: false, band }, direct)).toBe(true);
    });
    expect(shadowed.some(([record]) => record.model.name === 'fraud_teacher')).toBe(true);
    (await pipe.scoredOf(claims)).forEach(([record], i) => expect(scoredUnder(record, i, { ...BOOTSTRAP, band }, direct)).toBe(true));
    expect(await metricValue(service, 'gateway_routing_version', { family: rollouts.family, role: 'shadow' })).toBe(2);
  }, 120_000);

  it('ignores and counts a rollout record that cannot be decoded or is invalid, keeping the routing before it', async () => {
    const service = await gateway(13314);
    const good = await rollouts.publish({ canary: { version: '2', weight: 1 }, stage: 'CANARY', candidateVersion: '2' });
    await waitForRouting(service, good.eventId);

    await rollouts.publishRaw(Buffer.from('{"primaryVersion": "2"}'));
    await rollouts.publishRaw(rollouts.decision({ canary: { version: '2', weight: 1.5 }, stage: 'CANARY' }));
    await rollouts.publishRaw(rollouts.decision({ uncertainLow: 0.9, uncertainHigh: 0.1 }));
    await rollouts.publishRaw({ ...rollouts.decision({ primaryVersion: '2' }), family: 'another-family' });
    await waitFor('four rejected records', async () =>
      (await metricValue(service, 'gateway_routing_records_total', { outcome: 'rejected', reason: 'invalid' })) === 4 ? true : undefined,
    );

    expect(service.running).toBe(true);
    expect((await appliedRouting(service)).eventId).toBe(good.eventId);
    expect(await metricValue(service, 'gateway_routing_records_total', { outcome: 'applied' })).toBe(1);
    expect(await metricValue(service, 'gateway_routing_records_total', { outcome: 'rejected', reason: 'versions_not_ready' })).toBe(0);
    expect(service.logs).toMatch(/rejected \(MALFORMED_AVRO|rejected \(BAD_MAGIC_BYTE/);
    expect(service.logs).toContain('canary.weight 1.5 is outside 0..1');
    expect(service.logs).toContain('uncertainLow 0.9 is above uncertainHigh 0.1');
    const claims = enrichedClaims(40);
    const direct = await directOf(claims);
    await pipe.send(claims);
    const canary: Expectation = { version: '2', canary: true, band: BOOTSTRAP.band };
    (await pipe.scoredOf(claims)).forEach(([record], i) => expect(scoredUnder(record, i, canary, direct)).toBe(true));
  }, 120_000);

  it('reads the rollout topic to its end before it scores after a restart, even claims waiting for it at start', async () => {
    await rollouts.publish({ canary: { version: '2', weight: 0.5 }, stage: 'CANARY', candidateVersion: '2' });
    const latest = await rollouts.publish({ primaryVersion: '2', stage: 'PRIMARY', candidateVersion: '2' });
    const claims = enrichedClaims(200);
    const direct = await directOf(claims);
    // Sent before the process starts: its consumer gets them at once, while the topic is still being read.
    const service = await gateway(13315, {}, () => pipe.send(claims));
    const routing = await appliedRouting(service);
    expect(routing).toMatchObject({ eventId: latest.eventId, primaryVersion: '2', canary: null, stage: 'PRIMARY' });
    expect(routing.source).toMatch(/^models\.rollout\.v1@0:\d+$/);

    const promoted: Expectation = { version: '2', canary: false, band: BOOTSTRAP.band };
    const notPromoted = (await pipe.scoredOf(claims)).filter(([record], i) => !scoredUnder(record, i, promoted, direct));
    expect(notPromoted.map(([record]) => `${record.model.name}:${record.model.version} ${record.route}`)).toEqual([]);
  }, 120_000);

  it('refuses a rollout naming a version Triton does not serve after its wait, scoring with the routing before meanwhile, and applies one once the version is loaded', async () => {
    // Version 91 of student and teacher, a copy of version 2, is in no repository until the test installs it.
    const models = ['fraud_student', 'fraud_teacher'];
    const version = '91';
    const repository = liveRepository();
    const candidates = mkdtempSync(join(tmpdir(), 'candidates-'));
    for (const model of models) cpSync(join(repository, model, '2'), join(candidates, model, version), { recursive: true });
    try {
      const service = await gateway(13317, { ROLLOUT_LOAD_WAIT_MS: '4000' });
      const early = await rollouts.publish({ shadowVersion: version, stage: 'SHADOW', candidateVersion: version });
      await waitFor('the gateway to wait for version 91', async () => (service.logs.includes(`rollout ${early.eventId}`) ? true : undefined), 10_000, 50);
      expect(service.logs).toContain(`fraud_student:${version}, fraud_teacher:${version} not ready on ${stack.tritonShards[0]}`);

      // While the record waits, claims are scored with the bootstrap routing, all of each claim.
      const waiting = enrichedClaims(40);
      const direct = await directOf(waiting);
      await pipe.send(waiting);
      (await pipe.scoredOf(waiting)).forEach(([record], i) => expect(scoredUnder(record, i, BOOTSTRAP, direct)).toBe(true));

      await waitFor('the record to be refused', async () =>
        (await metricValue(service, 'gateway_routing_records_total', { outcome: 'rejected', reason: 'versions_not_ready' })) === 1 ? true : undefined,
      );
      expect(await appliedRouting(service)).toMatchObject({ source: 'environment', shadowVersion: null });
      expect(await metricValue(service, 'gateway_routing_records_total', { outcome: 'applied' })).toBe(0);
      expect(service.logs).toMatch(/rejected \(its versions are not ready on every available Triton shard after 4000 ms/);

      await installModelVersion({ candidatesDir: candidates, repository, models, version, shards: stack.tritonShards });
      const loaded = await rollouts.publish({ shadowVersion: version, stage: 'SHADOW', candidateVersion: version });
      expect(await waitForRouting(service, loaded.eventId)).toMatchObject({ shadowVersion: version, stage: 'SHADOW' });
      expect(await metricValue(service, 'gateway_routing_records_total', { outcome: 'applied' })).toBe(1);
      expect(await metricValue(service, 'gateway_routing_version', { family: rollouts.family, role: 'shadow' })).toBe(91);
    } finally {
      // Route nothing to version 91 before it leaves the shared repository.
      await Promise.all(gateways.map((service) => service.stop()));
      gateways = [];
      if (models.some((model) => servedVersions(repository, model).includes(version))) {
        await removeModelVersion({ repository, models, version, shards: stack.tritonShards });
      }
      rmSync(candidates, { recursive: true, force: true });
    }
  }, 180_000);

  it('starts on the bootstrap routing when the topic cannot be read in time, says so, and applies the topic’s routing once read', async () => {
    const latest = await rollouts.publish({ primaryVersion: '2', stage: 'PRIMARY', candidateVersion: '2' });
    const service = await gateway(13316, { ROLLOUT_STARTUP_TIMEOUT_MS: '0' });
    expect(service.logs).toMatch(/models\.rollout\.v1 not read to its end within 0 ms: scoring with the routing from environment/);
    await waitForRouting(service, latest.eventId);
  }, 60_000);
});
