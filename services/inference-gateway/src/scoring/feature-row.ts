import type { ClaimEnriched } from '@claims-mesh/contracts';
import { fraudModelIo } from '@claims-mesh/triton';

/** The model input row of a claim, in infra/models/feature-order.json's column order (booleans as 1/0). */
export function featureRow(enriched: ClaimEnriched): Float32Array {
  const columns = fraudModelIo().features;
  const row = new Float32Array(columns.length);
  columns.forEach((column, i) => {
    const source = (column.from === 'claim' ? enriched.claim : enriched.features) as unknown as Record<string, unknown>;
    row[i] = Number(source[column.name]);
  });
  return row;
}
