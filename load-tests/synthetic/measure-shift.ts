// How well the served fraud model scores synthetic claims against their ground truth, on the
// baseline world and then on the shifted one: starts its own six services (libs/testing's mesh
// harness, fresh feature store and review queue), sends SHIFT_CLAIMS baseline claims, then as
// many shifted ones, and prints AUC, recall and precision of each, how often the features the
// feature service computed match the ones the generator intended, and each world's drift: the PSI
// of the computed features against the training rows recorded with the served version (its
// drift-reference.json), as the rollout controller measures it. Needs the stack up and the services built.
//
//   node load-tests/dist/synthetic/measure-shift.js      (SHIFT_CLAIMS=2000, SHIFT_PORT_BASE=14600)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AvroSerde, ClaimDecided, ClaimEnriched, loadDriftReference, psiAgainstReference } from '@claims-mesh/contracts';
import { Mesh, stack, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';
import { liveRepository } from '@claims-mesh/triton';
import { precisionAt, recallAt, rocAuc } from './evaluation';
import type { ClaimFeatures } from './fraud-truth';
import { GenerationMode, LabelledClaim, labelledClaims } from './labelled-claims';
import { submitLabelledClaims } from './submit-claims';

const CLAIMS = Number(process.env.SHIFT_CLAIMS ?? 2000);
const PORT_BASE = Number(process.env.SHIFT_PORT_BASE ?? 14600);
const DECIDED = 'claims.decided.v1';
const ENRICHED = 'claims.enriched.v1';
/** The version the harness mesh's gateway serves (its MODEL_VERSION default). */
const SERVED_VERSION = '1';

interface Scored {
  claim: LabelledClaim;
  decision: ClaimDecided;
  features: ClaimEnriched['features'];
}

async function main(): Promise<void> {
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  const tail = await TopicTail.start(testKafka('measure-shift'), [DECIDED, ENRICHED]);
  const mesh = await Mesh.start(PORT_BASE);
  const results: Record<string, unknown> = {};
  try {
    const ingestUrl = mesh.service('ingest').url('');
    for (const [mode, seed] of [
      ['baseline', 7],
      ['shifted', 8],
    ] as [GenerationMode, number][]) {
      const claims = labelledClaims(CLAIMS, { mode, seed });
      const started = Date.now();
      const truth = await submitLabelledClaims(claims, { ingestUrl, batchSize: 100 });
      const ids = truth.claimIds();
      const byId = new Map(ids.map((id, i) => [id, claims[i]]));
      await waitFor(
        `${ids.length} ${mode} claims decided`,
        async () => {
          const decided = tail.byKey(DECIDED);
          return ids.every((id) => decided.has(id)) || undefined;
        },
        600_000,
        1000,
      );
      const decided = tail.byKey(DECIDED);
      const enriched = tail.byKey(ENRICHED);
      const scored: Scored[] = [];
      for (const id of ids) {
        const decision = await serde.decode<ClaimDecided>(
          DECIDED,
          (decided.get(id) ?? [])[0].value as Buffer,
        );
        const record = (enriched.get(id) ?? [])[0];
        const features = record
          ? (await serde.decode<ClaimEnriched>(ENRICHED, record.value as Buffer)).features
          : undefined;
        scored.push({
          claim: byId.get(id) as LabelledClaim,
          decision,
          features: features as ClaimEnriched['features'],
        });
      }
      results[mode] = summarise(mode, scored, Date.now() - started);
      results[`${mode}DriftPsi`] = driftAgainstTraining(mode, scored);
    }
    const dir = join(__dirname, '..', '..', '..', 'results', 'synthetic');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `measure-shift-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2));
    console.log(`\nreport: ${file}`);
  } finally {
    await mesh.stop();
    await tail.stop();
  }
}

/** PSI of each model input over the world's claims against the served version's training rows. */
function driftAgainstTraining(mode: string, scored: Scored[]): Record<string, number> {
  const reference = loadDriftReference(join(liveRepository(), 'fraud_student', SERVED_VERSION, 'drift-reference.json'));
  const value = (s: Scored, feature: string) =>
    Number(feature === 'amountMinor' ? s.claim.request.amountMinor : (s.features as unknown as Record<string, unknown>)[feature]);
  const psi = Object.fromEntries(
    Object.entries(reference.features).map(([feature, bins]) => [feature, Number(psiAgainstReference(bins, scored.filter((s) => s.features).map((s) => value(s, feature))).toFixed(3))]),
  );
  console.log(`\n${mode}: PSI against the training rows of version ${SERVED_VERSION}:`);
  for (const [feature, value] of Object.entries(psi)) console.log(`  ${feature.padEnd(24)} ${value}`);
  return psi;
}

function summarise(mode: string, scored: Scored[], elapsedMs: number): Record<string, unknown> {
  const scores = scored.map((s) => s.decision.fraudProbability);
  const fraud = scored.map((s) => s.claim.fraud);
  const ring = scored.filter((s) => s.claim.pattern === 'ring');
  const ringFraud = ring.filter((s) => s.claim.fraud);
  const versions = count(
    scored.map((s) => `${s.decision.model.name} v${s.decision.model.version} ${s.decision.route}`),
  );
  const actions = count(scored.map((s) => s.decision.action));
  const summary = {
    claims: scored.length,
    fraud: fraud.filter(Boolean).length,
    auc: round(rocAuc(scores, fraud)),
    recallAt05: round(recallAt(0.5, scores, fraud)),
    recallAt09: round(recallAt(0.9, scores, fraud)),
    precisionAt05: round(precisionAt(0.5, scores, fraud)),
    ringClaims: ring.length,
    ringFraud: ringFraud.length,
    ringFraudMeanScore: ringFraud.length
      ? round(ringFraud.reduce((t, s) => t + s.decision.fraudProbability, 0) / ringFraud.length)
      : null,
    ringFraudCaughtAt05: ringFraud.filter((s) => s.decision.fraudProbability >= 0.5).length,
    actions,
    models: versions,
    featureAgreement: agreement(scored),
    elapsedSeconds: Math.round(elapsedMs / 1000),
  };
  console.log(`\n${mode}: ${JSON.stringify(summary, null, 2)}`);
  return summary;
}

/** How often the features the feature service computed are the ones the truth was drawn from. */
function agreement(scored: Scored[]): Record<string, number> {
  const withFeatures = scored.filter((s) => s.features);
  const same = (pick: (f: ClaimFeatures | Scored['features']) => number | boolean) =>
    round(
      withFeatures.filter((s) => pick(s.features) === pick(s.claim.features)).length / withFeatures.length,
    );
  const zError = withFeatures
    .map((s) => Math.abs(s.features.amountZScore - s.claim.features.amountZScore))
    .sort((a, b) => a - b);
  return {
    customerClaimCount24h: same((f) => f.customerClaimCount24h),
    customerClaimCount1h: same((f) => f.customerClaimCount1h),
    isFirstClaim: same((f) => f.isFirstClaim),
    serialNumberSeenBefore: same((f) => f.serialNumberSeenBefore),
    daysSincePolicyStart: same((f) => f.daysSincePolicyStart),
    descriptionLength: same((f) => f.descriptionLength),
    mediaCount: same((f) => f.mediaCount),
    amountZScoreMedianAbsError: round(zError[Math.floor(zError.length / 2)] ?? NaN),
  };
}

function count(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((error: Error) => {
  console.error(`[measure-shift] failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
