import { Logger } from '@nestjs/common';
import type { RolloutStage } from '@claims-mesh/contracts';

/** Aliases a rollout moves between versions: the stage's name in lower case, the primary as `champion`. */
const STAGE_ALIAS: Partial<Record<RolloutStage, string>> = { SHADOW: 'shadow', CANARY: 'canary', PRIMARY: 'champion' };
const ALL_ALIASES = Object.values(STAGE_ALIAS);
const TIMEOUT_MS = 10_000;

/** One model version as MLflow registered it: the registered model and its version number there. */
export interface RegisteredVersion {
  name: string;
  version: string;
}

/**
 * Records each rollout step on the versions MLflow's registry holds, through its REST API:
 * the stage as an alias of the registered model (shadow, canary, champion; prefixed by the
 * family when it is not the default one, so a test's family leaves the real aliases alone),
 * and the stage, reason and decider as tags of the version. A promoted version is tagged as
 * approved by whoever decided it.
 */
export class MlflowRegistry {
  private readonly logger = new Logger(MlflowRegistry.name);

  constructor(
    private readonly baseUrl: string,
    private readonly family: string,
  ) {}

  /** The registered version whose tag training_key is the card's (infra/models/registry.py sets it). */
  async find(name: string, trainingKey: string): Promise<RegisteredVersion | undefined> {
    const filter = `name='${name}' and tag.training_key='${trainingKey}'`;
    const found = (await this.call('GET', `model-versions/search?filter=${encodeURIComponent(filter)}`)) as { model_versions?: RegisteredVersion[] };
    return found.model_versions?.[0] && { name, version: String(found.model_versions[0].version) };
  }

  async record(version: RegisteredVersion, step: { stage: RolloutStage; reason: string; decidedBy: string; decidedAt: number }): Promise<void> {
    const tags: Record<string, string> = {
      [`rollout.${this.family}.stage`]: step.stage,
      [`rollout.${this.family}.reason`]: step.reason.slice(0, 4000),
      [`rollout.${this.family}.decided_by`]: step.decidedBy,
      [`rollout.${this.family}.decided_at`]: new Date(step.decidedAt).toISOString(),
    };
    if (step.stage === 'PRIMARY') {
      tags.approval_status = 'approved';
      tags.approved_by = `${step.decidedBy}: ${step.reason}`.slice(0, 4000);
    }
    for (const [key, value] of Object.entries(tags)) {
      await this.call('POST', 'model-versions/set-tag', { name: version.name, version: version.version, key, value });
    }
    // The candidate leaves the aliases of its earlier stages (a rolled back one leaves them all).
    const alias = STAGE_ALIAS[step.stage];
    for (const other of ALL_ALIASES) {
      if (other === alias || other === 'champion') continue;
      await this.dropAliasIfOn(version, this.aliasName(other));
    }
    if (alias) await this.call('POST', 'registered-models/alias', { name: version.name, alias: this.aliasName(alias), version: version.version });
  }

  private aliasName(alias: string): string {
    return this.family === 'fraud' ? alias : `${this.family.replace(/[^A-Za-z0-9_-]/g, '_')}-${alias}`;
  }

  private async dropAliasIfOn(version: RegisteredVersion, alias: string): Promise<void> {
    const query = `name=${encodeURIComponent(version.name)}&alias=${encodeURIComponent(alias)}`;
    const current = (await this.call('GET', `registered-models/alias?${query}`, undefined, [404])) as { model_version?: { version: string } };
    if (current.model_version?.version === version.version) await this.call('DELETE', `registered-models/alias?${query}`);
  }

  private async call(method: string, path: string, body?: unknown, tolerated: number[] = []): Promise<unknown> {
    const url = `${this.baseUrl}/api/2.0/mlflow/${path}`;
    const response = await fetch(url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    if (tolerated.includes(response.status)) return {};
    if (!response.ok) throw new Error(`MLflow ${method} ${path.split('?')[0]}: HTTP ${response.status} ${text.slice(0, 300)}`);
    this.logger.debug(`MLflow ${method} ${path.split('?')[0]}`);
    return text ? JSON.parse(text) : {};
  }
}
