import { readFileSync } from 'node:fs';
import { histogram, psi } from './psi';

/**
 * The reference distribution recorded with every trained model version, drift-reference.json
 * beside its model (infra/models/drift_reference.py writes it): per input feature, the upper
 * bin edges at quantiles of the training rows and each bin's share of them, binned as psi.ts
 * bins (bin i holds (edges[i-1], edges[i]], the last bin everything above the last edge).
 */
export interface DriftReference {
  rows: number;
  window: Record<string, unknown>;
  features: Record<string, FeatureReference>;
}

export interface FeatureReference {
  edges: number[];
  shares: number[];
}

/** Checks a parsed drift-reference.json: every feature's shares fit its edges. */
export function driftReferenceProblems(reference: unknown): string[] {
  const features = (reference as Partial<DriftReference> | null)?.features;
  if (!features || typeof features !== 'object') return ['no "features" object'];
  const problems: string[] = [];
  for (const [name, feature] of Object.entries(features)) {
    if (!Array.isArray(feature?.edges) || !Array.isArray(feature?.shares)) problems.push(`${name}: edges and shares must be arrays`);
    else if (feature.shares.length !== feature.edges.length + 1) problems.push(`${name}: ${feature.shares.length} shares for ${feature.edges.length} edges`);
  }
  return problems;
}

/** drift-reference.json at `path`, checked; an error naming the file when it is not one. */
export function loadDriftReference(path: string): DriftReference {
  const reference: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const problems = driftReferenceProblems(reference);
  if (problems.length) throw new Error(`${path} is not a drift reference: ${problems.join('; ')}`);
  return reference as DriftReference;
}

/** PSI of recent values of a feature against the training rows' distribution recorded for it. */
export function psiAgainstReference(reference: FeatureReference, values: readonly number[]): number {
  // The reference's shares stand for counts: psi() works on shares of each histogram's total.
  return psi(reference.shares, histogram(reference.edges, values));
}
