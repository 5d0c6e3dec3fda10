import { fraudModelIo } from '@claims-mesh/triton';

/** Plausible raw feature values per column name, varied by row index, from low-risk to high-risk claims. */
const VALUE_OF: Record<string, (i: number) => number> = {
  amountMinor: (i) => 5_000 + ((i * 7919) % 300_000),
  customerClaimCount1h: (i) => 1 + (i % 3),
  customerClaimCount24h: (i) => 1 + (i % 5),
  customerClaimCount30d: (i) => 1 + (i % 9),
  customerAmount1hMinor: (i) => 5_000 + ((i * 7919) % 300_000) * (1 + (i % 3)),
  customerAmount24hMinor: (i) => 5_000 + ((i * 7919) % 300_000) * (1 + (i % 5)),
  customerAmount30dMinor: (i) => 5_000 + ((i * 7919) % 300_000) * (1 + (i % 9)),
  amountZScore: (i) => ((i * 37) % 90) / 10 - 2,
  daysSincePolicyStart: (i) => ((i * 131) % 1200) - 60,
  descriptionLength: (i) => (i * 53) % 600,
  mediaCount: (i) => i % 6,
  isFirstClaim: (i) => (i % 4 === 0 ? 1 : 0),
  serialNumberSeenBefore: (i) => (i % 11 === 0 ? 1 : 0),
};

/** `batchSize` rows in the fraud models' column order, row-major. */
export function sampleRows(batchSize: number): Float32Array {
  const columns = fraudModelIo().features;
  const rows = new Float32Array(batchSize * columns.length);
  for (let i = 0; i < batchSize; i++) {
    columns.forEach((column, j) => {
      rows[i * columns.length + j] = VALUE_OF[column.name](i);
    });
  }
  return rows;
}
