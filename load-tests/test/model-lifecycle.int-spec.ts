// The model lifecycle end to end, on the real stack: claims shift to a fraud pattern the served
// model misses, the rollout controller sees the drift and retrains, the new version is registered
// in MLflow with its card, loaded on both Triton shards, and goes shadow -> canary -> primary with
// no restart; then a deliberately bad candidate is rolled back at canary. Reviewers are the
// simulator, working the queue against the generator's ground truth.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvroSerde, MODEL_ROLLOUT_TOPIC, type ClaimScored, type ModelRollout } from '@claims-mesh/contracts';
import { Mesh, stack, testKafka, TopicTail, tritonShardPid, waitFor } from '@claims-mesh/testing';
import { liveRepository, removeModelVersion, servedVersions, TritonRepositoryClient } from '@claims-mesh/triton';
import { ReviewerSimulator } from '../reviewer/reviewer-simulator';
import { ClaimStream } from '../synthetic/claim-stream';

const ROOT = join(__dirname, '..', '..');
const PORT_BASE = 15000;
const SCORED = 'claims.scored.v1';
const MLFLOW = process.env.MLFLOW_URL ?? 'http://127.0.0.1:5000';
const CANARY_WEIGHT = 0.2;
const MINUTE = 60_000;

/** The controller, tuned to a test's volumes: small windows, a short drift persistence, frequent rounds. */
const CONTROLLER = {
  DRIFT_WINDOW_CLAIMS: '300',
  DRIFT_PSI_THRESHOLD: '0.25',
  // Long enough for the simulator to label some of the shifted claims before retraining reads them.
  DRIFT_PERSIST_SECONDS: '40',
  SHADOW_MIN_CLAIMS: '200',
  CANARY_MIN_CLAIMS: '60',
  CANARY_WEIGHT: String(CANARY_WEIGHT),
  MIN_LABELS: '40',
  MIN_REVIEWS: '12',
  EVALUATION_INTERVAL_MS: '500',
  CANDIDATE_POLL_MS: '1000',
};

/** rules.v2 with a larger audit sample: enough labels of automatically decided claims within minutes. */
function auditHeavyRules(): string {
  const rules = JSON.parse(readFileSync(join(ROOT, 'services', 'decision', 'rules', 'rules.v2.json'), 'utf8'));
  rules.version = 'rules.v2-lifecycle-it';
  rules.auditSample = { share: 0.3 };
  const path = join(mkdtempSync(join(tmpdir(), 'lifecycle-')), 'rules.json');
  writeFileSync(path, JSON.stringify(rules));
  return path;
}

function retrain(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'infra', 'local', 'mlflow', 'retrain.sh'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`retrain.sh ${args.join(' ')} exited ${code}:\n${output.slice(-3000)}`))));
  });
}

async function mlflow<T>(path: string): Promise<T> {
  const response = await fetch(`${MLFLOW}/api/2.0/mlflow/${path}`);
  if (!response.ok) throw new Error(`MLflow ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The newest registration of a Triton version of a model, with its tags. */
async function registered(model: string, tritonVersion: string): Promise<{ version: string; tags: Record<string, string> } | undefined> {
  const filter = encodeURIComponent(`name='${model}' and tag.triton_version='${tritonVersion}'`);
  const found = await mlflow<{ model_versions?: { version: string; tags?: { key: string; value: string }[] }[] }>(`model-versions/search?filter=${filter}`);
  const newest = (found.model_versions ?? []).sort((a, b) => Number(b.version) - Number(a.version))[0];
  return newest && { version: newest.version, tags: Object.fromEntries((newest.tags ?? []).map((t) => [t.key, t.value])) };
}

const DRIFT_OF_SHIFTED_FEATURES = /^model_input_drift_psi\{[^}]*feature="(?:descriptionLength|mediaCount)"[^}]*\} (\S+)$/;

/** Every model version a lineage document names (its scored stages carry `model: { name, version }`). */
function modelVersionsIn(lineage: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const { model } = node as { model?: { name?: unknown; version?: unknown } };
      if (model && typeof model.name === 'string' && typeof model.version === 'string') found.push(model.version);
      Object.values(node).forEach(visit);
    }
  };
  visit(lineage);
  return found;
}

/** A registered version's held-out figures from its run (the card's metrics), overall and on the labelled slices. */
async function heldOut(model: string, tritonVersion: string): Promise<string> {
  const filter = encodeURIComponent(`name='${model}' and tag.triton_version='${tritonVersion}'`);
  const found = await mlflow<{ model_versions?: { version: string; run_id: string }[] }>(`model-versions/search?filter=${filter}`);
  const newest = (found.model_versions ?? []).sort((a, b) => Number(b.version) - Number(a.version))[0];
  if (!newest) return `${model} v${tritonVersion}: not registered`;
  const run = await mlflow<{ run: { data: { metrics?: { key: string; value: number }[] } } }>(`runs/get?run_id=${newest.run_id}`);
  const metrics = Object.fromEntries((run.run.data.metrics ?? []).map((m) => [m.key, m.value]));
  // MLflow keeps every metric as a double: a row count is printed as the whole number it is.
  const figure = (key: string, digits = 3) => (metrics[key] === undefined ? 'n/a' : metrics[key].toFixed(digits));
  return (
    `${model} v${tritonVersion}: held-out AUC ${figure('auc')}, Brier ${figure('brier')}; ` +
    `latest audit-sample labels AUC ${figure('label_source/audit-sample/auc')} (${figure('label_source/audit-sample/rows', 0)} rows), ` +
    `reviewed AUC ${figure('label_source/reviewed/auc')} (${figure('label_source/reviewed/rows', 0)} rows)`
  );
}

async function metric(url: string, pattern: RegExp): Promise<number[]> {
  const text = await (await fetch(url)).text();
  return [...text.matchAll(new RegExp(pattern.source, 'gm'))].map((m) => Number(m[1]));
}

const MODELS = ['fraud_student', 'fraud_teacher'];
/** Who a model card names as approver of the versions the stack's Triton install trained (infra/models/model_card.py). */
const INSTALL_APPROVER = 'bootstrap (stack install)';

/**
 * Takes every retrained version (an earlier run's promoted candidate, a `make retrain`) out of the
 * repository and returns the newest version the stack installed, as a clean clone serves it. A
 * repository holding a model that already learned the shifted world would make the retrained
 * candidate no better than its primary, and the controller proposes any version above the primary.
 */
async function startFromInstalledModels(): Promise<string> {
  const repository = liveRepository();
  const versions = [...new Set(MODELS.flatMap((model) => servedVersions(repository, model)))].sort((a, b) => Number(a) - Number(b));
  const installed = servedVersions(repository, MODELS[0]).filter((version) => {
    const card = JSON.parse(readFileSync(join(repository, MODELS[0], version, 'model-card.json'), 'utf8')) as { approval?: { by?: string } };
    return card.approval?.by === INSTALL_APPROVER;
  });
  const bootstrap = installed[installed.length - 1];
  if (!bootstrap) throw new Error(`no version in ${repository} was installed by the stack (versions: ${versions.join(', ')}): reinstall Triton`);
  for (const version of versions.filter((v) => Number(v) > Number(bootstrap))) {
    await removeModelVersion({ repository, models: MODELS, version, shards: stack.tritonShards, log: (line) => console.warn(`[lifecycle] ${line}`) });
  }
  return bootstrap;
}

describe('model lifecycle: drift -> labels -> retrained version -> shadow -> canary -> primary, and a bad candidate rolled back (real Kafka, registry, Redis, Triton, MLflow)', () => {
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  let mesh: Mesh;
  let tail: TopicTail;
  let stream: ClaimStream;
  let reviewers: AbortController;
  let reviewing: Promise<unknown>;
  let family: string;
  let primary: string;
  const shards = stack.tritonShards.map((address) => ({ address, pid: tritonShardPid(address) }));

  /** The family's rollout records so far, in the order published. */
  async function rollouts(): Promise<(ModelRollout & { at: number })[]> {
    const records = tail.records.filter((r) => r.topic === MODEL_ROLLOUT_TOPIC && r.message.key?.toString() === family && r.message.value);
    return Promise.all(
      records.map(async (r) => ({ ...(await serde.decode<ModelRollout>(MODEL_ROLLOUT_TOPIC, r.message.value as Buffer)), at: Number(r.message.timestamp) })),
    );
  }

  /** The record taking the candidate to `stage`; fails at once if the candidate is rolled back on the way. */
  async function stageReached(stage: ModelRollout['stage'], candidate: string, timeoutMs: number): Promise<ModelRollout & { at: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await rollouts();
      const found = all.find((r) => r.stage === stage && r.candidateVersion === candidate);
      if (found) return found;
      const rolledBack = all.find((r) => r.stage === 'ROLLED_BACK' && r.candidateVersion === candidate);
      if (rolledBack) throw new Error(`candidate ${candidate} was rolled back instead of reaching ${stage}: ${rolledBack.reason}`);
      if (Date.now() > deadline) {
        const last = all[all.length - 1];
        throw new Error(`candidate ${candidate} did not reach ${stage} within ${timeoutMs} ms; last record: ${last ? `${last.stage} ${last.candidateVersion}: ${last.reason}` : 'none'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Main-path scores of the claims scored in [from, to) (broker timestamps). */
  async function scoredBetween(from: number, to: number): Promise<ClaimScored[]> {
    const records = tail.records.filter((r) => r.topic === SCORED && Number(r.message.timestamp) >= from && Number(r.message.timestamp) < to);
    return Promise.all(records.map((r) => serde.decode<ClaimScored>(SCORED, r.message.value as Buffer)));
  }

  beforeAll(async () => {
    primary = await startFromInstalledModels();
    tail = await TopicTail.start(testKafka('it-lifecycle'), [MODEL_ROLLOUT_TOPIC, SCORED]);
    // The mesh's gateway and controller start on the newest installed version, so the next one is the retrained.
    mesh = await Mesh.start(PORT_BASE, { RULES_FILE: auditHeavyRules(), MODEL_VERSION: primary }, { rolloutController: CONTROLLER });
    family = JSON.parse(await (await fetch(mesh.service('rollout-controller').url('/health/ready'))).text()).details.rollout.family;
    stream = new ClaimStream({ ingestUrl: mesh.service('ingest').url(''), rate: 25, seed: 100 }).start();
    reviewers = new AbortController();
    reviewing = new ReviewerSimulator({
      humanTaskUrl: mesh.service('human-task').url(''),
      truth: stream,
      accuracy: 0.95,
      reviewers: 3,
      thinkTimeMs: 20,
      idleMs: Number.POSITIVE_INFINITY,
      signal: reviewers.signal,
    })
      .run()
      .catch(() => undefined);
  }, 3 * MINUTE);

  afterAll(async () => {
    reviewers?.abort();
    await Promise.all([stream?.stop(), reviewing]);
    await mesh?.stop();
    await tail?.stop();
  });

  it(
    'retrains on persistent drift and promotes the new version through shadow and canary, with no restart, and the lineage names it',
    async () => {
      const started = Date.now();
      const gatewayPid = mesh.service('inference-gateway').pid;
      const previous = primary;
      const candidate = String(Number(primary) + 1);
      const controllerMetrics = mesh.service('rollout-controller').url('/metrics');

      // Baseline first, then the world shifts.
      await waitFor('300 baseline claims', async () => (stream.sent >= 300 ? true : undefined), MINUTE);
      stream.shift('shifted');
      const shiftedAt = Date.now();

      await waitFor(
        'drift of descriptionLength or mediaCount over 0.25',
        async () => ((await metric(controllerMetrics, DRIFT_OF_SHIFTED_FEATURES)).some((psi) => psi > 0.25) ? true : undefined),
        2 * MINUTE,
        1000,
      );
      const driftAt = Date.now();

      const shadow = await stageReached('SHADOW', candidate, 8 * MINUTE);
      // Proposed once its retraining was over (every shard loaded it): exactly one, and it succeeded.
      const retrains = await metric(controllerMetrics, /^rollout_retrains_total\{[^}]*outcome="succeeded"[^}]*\} (\S+)$/);
      expect(retrains).toEqual([1]);

      // Registered in MLflow with its card, trained partly on the mesh's own labels, parent the primary.
      for (const model of MODELS) {
        const version = await registered(model, candidate);
        expect(version).toBeDefined();
        expect(version?.tags.model_card).toMatch(/model-card\.json$/);
        expect(version?.tags.approval_status).toBe('pending');
        const rows = JSON.parse(version?.tags.label_source_rows ?? '{}') as Record<string, number>;
        expect(rows.reviewed + rows['audit-sample']).toBeGreaterThan(0);
      }
      // Loaded on both shards without restarting them.
      for (const { address } of shards) {
        const index = await new TritonRepositoryClient({ address }).index(true);
        for (const model of MODELS) expect(index).toContainEqual(expect.objectContaining({ name: model, version: candidate, state: 'READY' }));
      }

      const canary = await stageReached('CANARY', candidate, 5 * MINUTE);
      expect(canary.canary).toEqual({ version: candidate, weight: CANARY_WEIGHT });
      const promoted = await stageReached('PRIMARY', candidate, 5 * MINUTE);
      expect(promoted.primaryVersion).toBe(candidate);

      // Claims scored after the promotion are scored by the new version, and their lineage says so.
      const { claimId } = await waitFor(
        `a claim scored by version ${candidate} after its promotion`,
        async () => (await scoredBetween(promoted.at + 2000, Date.now())).find((s) => s.model.version === candidate),
        MINUTE,
      );
      await waitFor(
        `the lineage of ${claimId} naming version ${candidate}`,
        async () => {
          const response = await fetch(mesh.service('audit').url(`/v1/lineage/${claimId}`), { headers: { 'x-api-key': 'dev-auditor-key' } });
          return response.ok && modelVersionsIn(await response.json()).includes(candidate) ? true : undefined;
        },
        MINUTE,
      );

      // The champion alias moved to the new version; nothing restarted.
      const student = await registered('fraud_student', candidate);
      expect(student?.tags[`rollout.${family}.stage`]).toBe('PRIMARY');
      expect(student?.tags.approved_by).toMatch(/^rollout-controller: /);
      expect(mesh.service('inference-gateway').pid).toBe(gatewayPid);
      expect(mesh.service('inference-gateway').running).toBe(true);
      for (const shard of shards) expect(tritonShardPid(shard.address)).toBe(shard.pid);

      const seconds = (at: number) => `${((at - started) / 1000).toFixed(0)}s`;
      const retrainSeconds = /retraining finished in ([0-9.]+)s/.exec(mesh.service('rollout-controller').logs)?.[1];
      console.warn(`[lifecycle] retraining (dataset, training, registration, loading on both shards) took ${retrainSeconds}s`);
      for (const version of [previous, candidate]) console.warn(`[lifecycle] ${await heldOut('fraud_student', version)}`);
      console.warn(
        `[lifecycle] shift at ${seconds(shiftedAt)}, drift seen ${seconds(driftAt)}, candidate ${candidate} registered and in SHADOW ${seconds(shadow.at)}, ` +
          `CANARY ${seconds(canary.at)} (${canary.reason}), PRIMARY ${seconds(promoted.at)} (${promoted.reason}); ${stream.sent} claims sent`,
      );
      primary = candidate;
    },
    20 * MINUTE,
  );

  it(
    'rolls a bad candidate (trained on flipped labels) back at canary, having scored no more than the canary share',
    async () => {
      // Shadow comparisons opened wide, so the bad candidate reaches canary, where the reviewers' overrides
      // must stop it (the latency guard too: it has a unit test of its own, and is noisy on two cores).
      await mesh.restart('rollout-controller', {
        MIN_AGREEMENT: '0',
        MAX_SCORE_PSI: '1000',
        MIN_LABELS: '1000000',
        MAX_LATENCY_RATIO: '1000',
        RETRAIN_ON_DRIFT: 'false',
      });
      const candidate = String(Number(primary) + 1);
      await retrain(['--flip-labels']);

      const canary = await stageReached('CANARY', candidate, 5 * MINUTE);
      const rolledBack = await stageReached('ROLLED_BACK', candidate, 5 * MINUTE);
      expect(rolledBack.primaryVersion).toBe(primary);
      expect(rolledBack.canary).toBeNull();
      expect(rolledBack.reason).toMatch(/overrode/);

      // While it was the canary, it scored about its share of the claims and no more.
      const window = await scoredBetween(canary.at, rolledBack.at);
      const byCandidate = window.filter((s) => s.model.version === candidate).length;
      const claims = new Set(window.map((s) => s.claimId)).size;
      const bound = CANARY_WEIGHT + 3 * Math.sqrt((CANARY_WEIGHT * (1 - CANARY_WEIGHT)) / Math.max(1, claims));
      expect(claims).toBeGreaterThan(0);
      expect(byCandidate / claims).toBeLessThanOrEqual(bound);
      // Once the gateways applied the rollback (within a few seconds), it scores nothing on the main path.
      await new Promise((resolve) => setTimeout(resolve, 8000));
      const after = await scoredBetween(rolledBack.at + 3000, Date.now());
      expect(after.length).toBeGreaterThan(0);
      expect(after.filter((s) => s.model.version === candidate)).toEqual([]);

      const student = await registered('fraud_student', candidate);
      expect(student?.tags[`rollout.${family}.stage`]).toBe('ROLLED_BACK');
      // A deliberately bad model has no business staying in the repository a later run starts from.
      await removeModelVersion({ repository: liveRepository(), models: MODELS, version: candidate, shards: stack.tritonShards });
      for (const version of [primary, candidate]) console.warn(`[lifecycle] ${await heldOut('fraud_student', version)}`);
      console.warn(
        `[lifecycle] bad candidate ${candidate}: CANARY -> ROLLED_BACK in ${((rolledBack.at - canary.at) / 1000).toFixed(1)}s, ` +
          `${byCandidate} of ${claims} claims scored by it meanwhile; ${rolledBack.reason}`,
      );
    },
    15 * MINUTE,
  );
});
