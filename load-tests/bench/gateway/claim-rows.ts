import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { ClaimEnriched } from '@claims-mesh/contracts';
import { fraudModelIo } from '@claims-mesh/triton';
import { sampleClaim, sampleEnriched, STACK_CACHE } from '@claims-mesh/testing';

const ROOT = join(__dirname, '..', '..', '..', '..');
const GENERATOR = join(ROOT, 'load-tests', 'bench', 'gateway', 'claim_rows.py');
/** The Python of the stack's Triton install: it has numpy, which the generator needs. */
const PYTHON = join(
  STACK_CACHE,
  'triton',
  'venv',
  'bin',
  'python',
);

/**
 * The feature rows of `count` synthetic claims drawn by infra/models/claims_data.py (the
 * process the models were trained on) with `seed`, one Float32Array per claim, in the input
 * tensor's column order.
 */
export function claimRows(count: number, seed: number): Float32Array[] {
  const featureCount = fraudModelIo().features.length;
  const bytes = execFileSync(PYTHON, [GENERATOR, String(count), String(seed)], {
    maxBuffer: count * featureCount * 4 + 1024,
  });
  if (bytes.length !== count * featureCount * 4)
    throw new Error(
      `${GENERATOR} wrote ${bytes.length} bytes, expected ${count} rows of ${featureCount} float32`,
    );
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, count * featureCount);
  return Array.from({ length: count }, (_, i) => all.slice(i * featureCount, (i + 1) * featureCount));
}

/** The enriched claim whose model input (libs/triton's fraudModelInput, as the gateway sends it) is `row`: its inverse. */
export function enrichedFromRow(row: Float32Array): ClaimEnriched {
  const enriched = sampleEnriched(sampleClaim());
  fraudModelIo().features.forEach((column, i) => {
    const target = (column.from === 'claim' ? enriched.claim : enriched.features) as unknown as Record<
      string,
      unknown
    >;
    target[column.name] = column.boolean ? row[i] === 1 : row[i];
  });
  return enriched;
}
