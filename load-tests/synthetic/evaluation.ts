import { histogram, psi, quantileEdges } from '@claims-mesh/contracts';

/**
 * Figures of a model's scores against the generator's truth, and of a feature's drift, for
 * reports and tests of the synthetic worlds.
 */

/** Area under the ROC curve: the chance a random fraud scores above a random genuine claim (ties count half). */
export function rocAuc(scores: readonly number[], fraud: readonly boolean[]): number {
  const order = scores.map((score, i) => ({ score, fraud: fraud[i] })).sort((a, b) => a.score - b.score);
  const positives = order.filter((o) => o.fraud).length;
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j].score === order[i].score) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++) if (order[k].fraud) rankSum += midRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Share of the frauds scored at or above the threshold. */
export function recallAt(threshold: number, scores: readonly number[], fraud: readonly boolean[]): number {
  const caught = scores.filter((s, i) => fraud[i] && s >= threshold).length;
  const positives = fraud.filter(Boolean).length;
  return positives === 0 ? Number.NaN : caught / positives;
}

/** Share of the claims scored at or above the threshold that are fraud. */
export function precisionAt(threshold: number, scores: readonly number[], fraud: readonly boolean[]): number {
  const flagged = scores
    .map((s, i) => (s >= threshold ? fraud[i] : undefined))
    .filter((f) => f !== undefined);
  return flagged.length === 0 ? Number.NaN : flagged.filter(Boolean).length / flagged.length;
}

/**
 * PSI of `current` against `reference` binned as the rollout controller bins drift (libs/contracts'
 * psi.ts: up to `bins` bins at the reference's quantiles, repeated edges merged).
 */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[], bins = 10): number {
  const edges = quantileEdges(reference, bins);
  return psi(histogram(edges, reference), histogram(edges, current));
}
