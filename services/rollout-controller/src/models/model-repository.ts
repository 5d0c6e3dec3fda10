import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDriftReference, type DriftReference } from '@claims-mesh/contracts';

/** Files train.py writes beside each version's model (infra/models/model_card.py). */
const CARD_FILE = 'model-card.json';
const DRIFT_REFERENCE_FILE = 'drift-reference.json';

/**
 * Triton's live model repository as the controller reads it: which versions of the family's
 * student and teacher are there (retraining writes a candidate's pair into it and loads it on
 * every shard), and what was recorded with a version when it was trained.
 */
export class ModelRepository {
  constructor(
    private readonly root: string,
    private readonly models: readonly string[],
  ) {}

  /** Versions every model of the family has a complete directory of (its card is written last), ascending. */
  async versions(): Promise<number[]> {
    const perModel = await Promise.all(this.models.map((model) => this.versionsOf(model)));
    const [first, ...rest] = perModel;
    return first.filter((version) => rest.every((versions) => versions.includes(version))).sort((a, b) => a - b);
  }

  /** The key of the training a version's model came from (its card's), which MLflow's registered version carries as a tag. */
  async trainingKey(model: string, version: string): Promise<string> {
    const card = JSON.parse(await readFile(join(this.root, model, version, CARD_FILE), 'utf8')) as { training?: { training_key?: string } };
    const key = card.training?.training_key;
    if (!key) throw new Error(`${model} v${version}: its model card names no training key`);
    return key;
  }

  /** The drift reference recorded with a version's student (the cascade's first model sees every claim). */
  driftReference(version: string): DriftReference {
    return loadDriftReference(join(this.root, this.models[0], version, DRIFT_REFERENCE_FILE));
  }

  private async versionsOf(model: string): Promise<number[]> {
    let entries: string[];
    try {
      entries = await readdir(join(this.root, model));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const numbered = entries.filter((entry) => /^[0-9]+$/.test(entry));
    const complete = await Promise.all(numbered.map((entry) => readFile(join(this.root, model, entry, CARD_FILE)).then(() => true, () => false)));
    return numbered.filter((_, i) => complete[i]).map(Number);
  }
}
