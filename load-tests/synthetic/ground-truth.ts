import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where a reviewer simulator looks a claim's truth up, by the claim's id. */
export interface TruthSource {
  /** True for fraud, false for a genuine claim, undefined for a claim it does not know. */
  fraudOf(claimId: string): boolean | undefined;
}

export interface TruthEntry {
  fraud: boolean;
  /** How the claim was drawn (`baseline` or `ring`), for the record. */
  pattern?: string;
}

interface TruthFile {
  kind: 'claims-mesh.ground-truth';
  version: 1;
  claims: Record<string, TruthEntry>;
}

/**
 * The synthetic generator's ground truth of claims that were submitted, keyed by the claimId
 * ingest assigned (the id a review task shows). It lives in the process that generated the
 * claims or in a JSON file beside the results (results/ or .stack/), never in a record.
 */
export class GroundTruth implements TruthSource {
  private readonly claims = new Map<string, TruthEntry>();

  set(claimId: string, entry: TruthEntry): void {
    this.claims.set(claimId, entry);
  }

  fraudOf(claimId: string): boolean | undefined {
    return this.claims.get(claimId)?.fraud;
  }

  get(claimId: string): TruthEntry | undefined {
    return this.claims.get(claimId);
  }

  get size(): number {
    return this.claims.size;
  }

  claimIds(): string[] {
    return [...this.claims.keys()];
  }

  /** Adds every entry of the others (later ones win on a shared id). */
  merge(...others: GroundTruth[]): this {
    for (const other of others) for (const [id, entry] of other.claims) this.claims.set(id, entry);
    return this;
  }

  /** Writes the truth as JSON (whole file replaced at once: written beside, then renamed). */
  save(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    const file: TruthFile = {
      kind: 'claims-mesh.ground-truth',
      version: 1,
      claims: Object.fromEntries(this.claims),
    };
    const partial = `${path}.partial-${process.pid}`;
    writeFileSync(partial, JSON.stringify(file));
    renameSync(partial, path);
  }

  /** Reads a file `save` wrote, or every *.json such file in a directory. */
  static load(path: string): GroundTruth {
    if (statSync(path).isDirectory()) {
      const files = readdirSync(path)
        .filter((name) => name.endsWith('.json'))
        .sort();
      return new GroundTruth().merge(...files.map((name) => GroundTruth.load(join(path, name))));
    }
    const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<TruthFile>;
    if (file.kind !== 'claims-mesh.ground-truth' || typeof file.claims !== 'object' || file.claims === null) {
      throw new Error(`${path} is not a ground-truth file (kind claims-mesh.ground-truth)`);
    }
    const truth = new GroundTruth();
    for (const [claimId, entry] of Object.entries(file.claims)) {
      if (typeof entry?.fraud !== 'boolean')
        throw new Error(`${path}: claim ${claimId} has no boolean fraud`);
      truth.set(claimId, entry);
    }
    return truth;
  }
}
