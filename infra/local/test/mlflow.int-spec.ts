import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { liveRepository, servedVersions } from '@claims-mesh/triton';

// The stack's MLflow over its REST API. `stack up` registers there every fraud model version
// Triton's install trained (infra/local/components/mlflow.sh, infra/models/registry.py); the
// tests read those registrations back, and run registration and `make retrain`'s script again.

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const STACK = join(ROOT, 'infra', 'local', 'stack');
const RETRAIN = join(ROOT, 'infra', 'local', 'mlflow', 'retrain.sh');
const MLFLOW = `http://127.0.0.1:${process.env.MLFLOW_PORT ?? 5000}`;
const MODELS = ['fraud_teacher', 'fraud_student'];
const BOOTSTRAP = 'bootstrap (stack install)';
const SEGMENTS = {
  product: ['headphones', 'laptop', 'phone', 'tv', 'washer'],
  region: ['EU-NORTH', 'EU-WEST', 'UK', 'US-EAST'],
  channel: ['BRANCH', 'MOBILE_APP', 'PARTNER_API', 'PHONE', 'WEB'],
};
const FEATURES = (
  JSON.parse(readFileSync(join(ROOT, 'infra', 'models', 'feature-order.json'), 'utf8')) as {
    features: { name: string }[];
  }
).features.map((f) => f.name);

interface ModelVersion {
  name: string;
  version: string;
  run_id: string;
  status: string;
  description: string;
  tags: Record<string, string>;
}

interface Scores {
  rows: number;
  auc: number | null;
  brier: number;
  accuracy: number;
  expected_calibration_error: number;
  student_teacher_agreement: number;
}

interface ModelCard {
  model: { name: string; version: number };
  intended_use: { for: string[]; not_for: string[] };
  training_data: {
    content_hash: string;
    rows: { total: number; train: number; held_out: number };
    label_sources: Record<'train' | 'held_out', Record<string, { rows: number; fraud: number }>>;
  };
  held_out_metrics: Omit<Scores, 'expected_calibration_error'> & {
    log_loss: number;
    calibration: { expected_calibration_error: number; bins: { rows: number }[] };
  };
  segment_metrics: Record<string, Record<string, Scores>>;
  training: { code_version: string; training_key: string };
  parent: { version: number; training_key: string } | null;
  approval: { status: string; by: string | null };
}

interface DriftReference {
  rows: number;
  features: Record<string, { edges: number[]; shares: number[] }>;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${MLFLOW}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function versionsOf(name: string): Promise<ModelVersion[]> {
  const filter = encodeURIComponent(`name='${name}'`);
  const { model_versions = [] } = await getJson<{
    model_versions?: (Omit<ModelVersion, 'tags'> & { tags?: { key: string; value: string }[] })[];
  }>(`/api/2.0/mlflow/model-versions/search?filter=${filter}&max_results=1000`);
  return model_versions.map((v) => ({
    ...v,
    tags: Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value])),
  }));
}

/** The newest registration of a version Triton serves (the sources it was trained from may have changed before). */
async function served(name: string, tritonVersion: number): Promise<ModelVersion> {
  const matching = (await versionsOf(name)).filter(
    (v) => v.tags.approved_by === BOOTSTRAP && v.tags.triton_version === String(tritonVersion),
  );
  if (matching.length === 0) throw new Error(`${name} v${tritonVersion} is not registered`);
  return matching.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
}

async function artifact<T>(runId: string, path: string): Promise<T> {
  return getJson<T>(`/get-artifact?run_uuid=${runId}&path=${encodeURIComponent(path)}`);
}

async function runMetrics(runId: string): Promise<Record<string, number>> {
  const { run: found } = await getJson<{ run: { data: { metrics?: { key: string; value: number }[] } } }>(
    `/api/2.0/mlflow/runs/get?run_id=${runId}`,
  );
  return Object.fromEntries((found.data.metrics ?? []).map((m) => [m.key, m.value]));
}

const inUnitInterval = (value: number | null) => {
  expect(value).not.toBeNull();
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThanOrEqual(1);
};

describe('MLflow model registry of the local stack', () => {
  it('serves its UI on /', async () => {
    const response = await fetch(`${MLFLOW}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<title>MLflow</title>');
  });

  it.each(MODELS)(
    'registers versions 1 and 2 of %s, each with its weights, card and drift reference',
    async (name) => {
      for (const tritonVersion of [1, 2]) {
        const version = await served(name, tritonVersion);
        expect(version.status).toBe('READY');
        expect(version.description).toContain(`# ${name} version ${tritonVersion}`);
        const { files = [] } = await getJson<{ files?: { path: string }[] }>(
          `/api/2.0/mlflow/artifacts/list?run_id=${version.run_id}&path=model`,
        );
        expect(files.map((f) => f.path)).toEqual(
          expect.arrayContaining(
            ['weights.npz', 'model-card.json', 'model-card.md', 'drift-reference.json'].map(
              (f) => `model/${f}`,
            ),
          ),
        );
        const card = await artifact<ModelCard>(version.run_id, 'model/model-card.json');
        expect(card.model).toMatchObject({ name, version: tritonVersion });
        expect(card.intended_use.for.length).toBeGreaterThan(0);
        expect(card.intended_use.not_for.length).toBeGreaterThan(0);
      }
    },
  );

  it.each(MODELS)('records held-out metrics of %s in [0, 1] with an AUC well above chance', async (name) => {
    for (const tritonVersion of [1, 2]) {
      const version = await served(name, tritonVersion);
      const card = await artifact<ModelCard>(version.run_id, 'model/model-card.json');
      const metrics = card.held_out_metrics;
      for (const value of [metrics.auc, metrics.brier, metrics.accuracy, metrics.student_teacher_agreement])
        inUnitInterval(value);
      inUnitInterval(metrics.calibration.expected_calibration_error);
      expect(metrics.auc).toBeGreaterThan(0.8);
      expect(metrics.brier).toBeLessThan(0.1);
      expect(metrics.calibration.bins.reduce((sum, bin) => sum + bin.rows, 0)).toBe(metrics.rows);
      // The run carries the same figures as MLflow metrics, for comparing versions in the UI.
      const logged = await runMetrics(version.run_id);
      expect(logged.auc).toBeCloseTo(metrics.auc as number, 6);
      expect(logged.brier).toBeCloseTo(metrics.brier, 6);
    }
  });

  it.each(MODELS)('records the metrics of %s per product, region and channel', async (name) => {
    const version = await served(name, 2);
    const card = await artifact<ModelCard>(version.run_id, 'model/model-card.json');
    const logged = await runMetrics(version.run_id);
    for (const [segment, values] of Object.entries(SEGMENTS)) {
      expect(Object.keys(card.segment_metrics[segment]).sort()).toEqual(values);
      const rows = values.reduce((sum, value) => sum + card.segment_metrics[segment][value].rows, 0);
      expect(rows).toBe(card.held_out_metrics.rows);
      for (const value of values) {
        const scores = card.segment_metrics[segment][value];
        for (const figure of [
          scores.auc,
          scores.brier,
          scores.expected_calibration_error,
          scores.student_teacher_agreement,
        ])
          inUnitInterval(figure);
        expect(scores.auc).toBeGreaterThan(0.7);
        expect(logged[`${segment}/${value}/auc`]).toBeCloseTo(scores.auc as number, 6);
      }
    }
  });

  it('names the training data of every version: the same content hash and its rows by label source', async () => {
    const hashes = new Set<string>();
    for (const name of MODELS) {
      for (const tritonVersion of [1, 2]) {
        const version = await served(name, tritonVersion);
        const data = (await artifact<ModelCard>(version.run_id, 'model/model-card.json')).training_data;
        expect(data.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(version.tags.dataset_hash).toBe(data.content_hash);
        hashes.add(data.content_hash);
        expect(data.rows.train + data.rows.held_out).toBe(data.rows.total);
        for (const split of ['train', 'held_out'] as const) {
          expect(Object.keys(data.label_sources[split]).sort()).toEqual([
            'audit-sample',
            'reviewed',
            'synthetic',
          ]);
          expect(data.label_sources[split].synthetic.rows).toBe(data.rows[split]);
        }
        expect(JSON.parse(version.tags.label_source_rows)).toEqual({
          synthetic: data.rows.total,
          reviewed: 0,
          'audit-sample': 0,
        });
      }
    }
    expect(hashes.size).toBe(1);
  });

  it.each(MODELS)(
    'links %s version 2 to version 1 as its parent, with the code version and approver',
    async (name) => {
      const [first, second] = [await served(name, 1), await served(name, 2)];
      expect(first.tags.parent_version).toBe('none');
      expect(second.tags.parent_version).toBe(first.version);
      const card = await artifact<ModelCard>(second.run_id, 'model/model-card.json');
      expect(card.parent).toEqual({ version: 1, training_key: first.tags.training_key });
      for (const version of [first, second]) {
        expect(version.tags.approved_by).toBe(BOOTSTRAP);
        expect(version.tags.approval_status).toBe('approved');
        expect(version.tags.code_version).toMatch(
          /^(git:[0-9a-f]{40}(\+dirty\.sources-sha256:[0-9a-f]{16})?|sources-sha256:[0-9a-f]{16})$/,
        );
      }
    },
  );

  it('records the training rows distribution of every feature as the drift reference', async () => {
    const version = await served('fraud_student', 2);
    const reference = await artifact<DriftReference>(version.run_id, 'model/drift-reference.json');
    const card = await artifact<ModelCard>(version.run_id, 'model/model-card.json');
    expect(reference.rows).toBe(card.training_data.rows.train);
    expect(Object.keys(reference.features)).toEqual(FEATURES);
    for (const { edges, shares } of Object.values(reference.features)) {
      expect(shares).toHaveLength(edges.length + 1);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });

  it('registers nothing twice when registration runs again', async () => {
    const count = async () => (await Promise.all(MODELS.map(versionsOf))).map((versions) => versions.length);
    const before = await count();
    // `stack up` on a running MLflow runs its registration again (mlflow_after_up).
    await run(STACK, ['up', 'mlflow']);
    expect(await count()).toEqual(before);
  });

  it('registers retrained candidates with the replaced version as parent, approval pending, trained on the dataset', async () => {
    // Other suites may have added candidates (rolled back or not) to the repository: the next
    // number is the one after all of them; the parent is the version named to be replaced.
    const repository = liveRepository();
    const numbers = MODELS.flatMap((name) => servedVersions(repository, name).map(Number));
    const next = String(Math.max(...numbers) + 1);
    // Not loaded on the shards (RETRAIN_INSTALL=0): loading is the model-lifecycle and Triton
    // repository specs' to check, and each load makes every shard reload its versions' processes.
    await run(RETRAIN, [], { timeout: 300_000, env: { ...process.env, RETRAIN_PARENT_VERSION: '2', RETRAIN_INSTALL: '0' } });
    for (const name of MODELS) {
      const parent = await served(name, 2);
      const candidate = (await versionsOf(name)).find((v) => v.tags.triton_version === next && v.tags.parent_version === parent.version);
      expect(candidate?.tags).toMatchObject({ approval_status: 'pending', approved_by: 'none' });
      const card = await artifact<ModelCard>(candidate!.run_id, 'model/model-card.json');
      expect(card.approval).toEqual({ status: 'pending', by: null });
      // Its data is the dataset on a synthetic base: named by its own hash, counted by label source.
      expect(card.training_data.content_hash).toBe(candidate!.tags.dataset_hash);
      expect(card.training_data.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(JSON.parse(candidate!.tags.label_source_rows).synthetic).toBeGreaterThan(0);
    }
  }, 360_000);
});
