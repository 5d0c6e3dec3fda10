/** The figures a candidate is judged by, on plain arrays: pure, so the gate's unit tests pin them. */

/**
 * Area under the ROC curve of `scores` for binary `labels` (1 = fraud): the chance a random
 * fraud scores above a random legitimate claim, ties counting half (Mann-Whitney U).
 * Undefined without both classes.
 */
export function auc(scores: readonly number[], labels: readonly (0 | 1)[]): number | undefined {
  const order = scores.map((score, i) => ({ score, label: labels[i] })).sort((a, b) => a.score - b.score);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j].score === order[i].score) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1 .. j share their average
    for (let k = i; k < j; k++) {
      if (order[k].label === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return undefined;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared error of probabilities against binary labels (lower is better). */
export function brier(scores: readonly number[], labels: readonly (0 | 1)[]): number | undefined {
  if (scores.length === 0) return undefined;
  let total = 0;
  for (let i = 0; i < scores.length; i++) total += (scores[i] - labels[i]) ** 2;
  return total / scores.length;
}

/** The value below which a share `q` (0..1) of `values` falls (nearest rank). */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Share of `true`s; undefined for none. */
export function share(flags: readonly boolean[]): number | undefined {
  if (flags.length === 0) return undefined;
  return flags.filter(Boolean).length / flags.length;
}
