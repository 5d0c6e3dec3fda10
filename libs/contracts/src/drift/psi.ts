/**
 * Population Stability Index over histograms: how far an actual distribution has moved
 * from an expected one. Rule of thumb: below 0.1 stable, 0.1-0.25 moderate, above 0.25 a
 * significant shift.
 */

/** Share given to a bin with no values, so the log ratio stays finite. */
export const EMPTY_BIN_SHARE = 1e-4;

/**
 * Upper edges of up to `bins` bins that split `values` into equal shares (quantiles).
 * Repeated values would give repeated edges; those are merged, so a feature with few
 * distinct values gets fewer bins instead of empty duplicates. Values outside the range
 * fall into the first or last bin (see binIndex).
 */
export function quantileEdges(values: readonly number[], bins: number): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = sorted[Math.ceil((k * sorted.length) / bins) - 1];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/**
 * Bin of `value` for the upper `edges`: bin i holds (edges[i-1], edges[i]], the last bin
 * everything above the last edge, so there are always edges.length + 1 bins.
 */
export function binIndex(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (value <= edges[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}

export function histogram(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) counts[binIndex(edges, value)]++;
  return counts;
}

/** PSI = sum over bins of (actual - expected) * ln(actual / expected), on shares of each total. */
export function psi(
  expectedCounts: readonly number[],
  actualCounts: readonly number[],
  emptyBinShare = EMPTY_BIN_SHARE,
): number {
  if (expectedCounts.length !== actualCounts.length) {
    throw new Error(`histograms differ in bins: ${expectedCounts.length} vs ${actualCounts.length}`);
  }
  const expectedTotal = sum(expectedCounts);
  const actualTotal = sum(actualCounts);
  if (expectedTotal === 0 || actualTotal === 0) return 0;
  let index = 0;
  for (let i = 0; i < expectedCounts.length; i++) {
    const expected = Math.max(expectedCounts[i] / expectedTotal, emptyBinShare);
    const actual = Math.max(actualCounts[i] / actualTotal, emptyBinShare);
    index += (actual - expected) * Math.log(actual / expected);
  }
  return index;
}

function sum(counts: readonly number[]): number {
  return counts.reduce((total, count) => total + count, 0);
}
