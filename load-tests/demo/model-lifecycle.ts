// `make demo`'s model-lifecycle section: where the registry is, the fraud models' versions
// with the facts of their model cards, and the rollout the controller has the family in.

const MLFLOW = process.env.MLFLOW_URL ?? 'http://127.0.0.1:5000';
const CONTROLLER = process.env.ROLLOUT_CONTROLLER_URL ?? 'http://127.0.0.1:3007';
const MODELS = ['fraud_student', 'fraud_teacher'];

interface RegisteredVersion {
  version: string;
  run_id?: string;
  tags?: { key: string; value: string }[];
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok && response.status !== 503) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The registered versions of a model that Triton's repository serves (tagged triton_version), newest registration last. */
async function registeredVersions(model: string): Promise<RegisteredVersion[]> {
  const filter = encodeURIComponent(`name='${model}'`);
  const found = await getJson<{ model_versions?: RegisteredVersion[] }>(`${MLFLOW}/api/2.0/mlflow/model-versions/search?filter=${filter}&max_results=200`);
  return (found.model_versions ?? []).sort((a, b) => Number(a.version) - Number(b.version));
}

async function runMetrics(runId: string | undefined): Promise<Record<string, number>> {
  if (!runId) return {};
  const run = await getJson<{ run?: { data?: { metrics?: { key: string; value: number }[] } } }>(`${MLFLOW}/api/2.0/mlflow/runs/get?run_id=${runId}`);
  return Object.fromEntries((run.run?.data?.metrics ?? []).map((m) => [m.key, m.value]));
}

const fixed = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(3));

export async function showModelLifecycle(): Promise<void> {
  console.log(`\n[demo] model registry (MLflow): ${MLFLOW}/#/models`);
  try {
    for (const model of MODELS) {
      const versions = await registeredVersions(model);
      const registered = await getJson<{ registered_model?: { aliases?: { alias: string; version: string }[] } }>(
        `${MLFLOW}/api/2.0/mlflow/registered-models/get?name=${model}`,
      );
      const aliasesOf = (version: string) => (registered.registered_model?.aliases ?? []).filter((a) => a.version === version).map((a) => a.alias);
      // The latest registration of each Triton version is the one its repository holds (a retrained repository registers anew).
      const byTriton = new Map<string, RegisteredVersion>();
      for (const version of versions) {
        const tags = Object.fromEntries((version.tags ?? []).map((t) => [t.key, t.value]));
        if (tags.triton_version) byTriton.set(tags.triton_version, version);
      }
      console.log(`[demo]   ${model}:`);
      for (const [triton, version] of [...byTriton.entries()].sort((a, b) => Number(a[0]) - Number(b[0]))) {
        const tags = Object.fromEntries((version.tags ?? []).map((t) => [t.key, t.value]));
        const metrics = await runMetrics(version.run_id);
        const aliases = aliasesOf(version.version).length ? `  [${aliasesOf(version.version).join(', ')}]` : '';
        console.log(
          `[demo]     v${triton} (registered ${version.version}): approval ${tags.approval_status ?? '?'} by ${tags.approved_by ?? '?'}, ` +
            `parent ${tags.parent_version ?? 'none'}, held-out AUC ${fixed(metrics.auc)}, Brier ${fixed(metrics.brier)}, rows ${tags.label_source_rows ?? '?'}${aliases}`,
        );
        console.log(`[demo]       card: ${MLFLOW}/#/models/${model}/versions/${version.version}`);
      }
    }
  } catch (error) {
    console.log(`[demo]   registry not reachable: ${(error as Error).message}`);
  }
  try {
    const ready = await getJson<{ details?: { rollout?: Record<string, unknown> } }>(`${CONTROLLER}/health/ready`);
    const rollout = ready.details?.rollout ?? {};
    console.log(
      `[demo] current rollout of ${rollout.family}: ${rollout.stage}, primary ${rollout.primaryVersion}, candidate ${rollout.candidateVersion ?? 'none'}` +
        `${rollout.retraining ? ' (retraining now)' : ''}\n[demo]   why: ${rollout.reason}\n[demo]   controller: ${CONTROLLER}/health/ready, ${CONTROLLER}/metrics`,
    );
  } catch (error) {
    console.log(`[demo]   rollout controller not reachable: ${(error as Error).message}`);
  }
}
