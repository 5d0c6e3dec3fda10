import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SCHEMAS_DIR } = require('./schema-files') as { SCHEMAS_DIR: string };

/**
 * The semantic version of the event contract: the Avro schemas in schemas/, as a whole.
 * MAJOR for a change the registry's BACKWARD rule would refuse (a new topic version instead),
 * MINOR for an added field with a default or a new topic, PATCH for docs only. Recorded in
 * schemas/CONTRACT.json with the fingerprint of the schemas it describes; a unit test fails
 * when the schemas change and the record does not, so the version cannot silently go stale.
 */
export interface ContractRecord {
  version: string;
  fingerprint: string;
}

export const CONTRACT_RECORD_FILE = join(SCHEMAS_DIR, 'CONTRACT.json');

export function contractRecord(file = CONTRACT_RECORD_FILE): ContractRecord {
  return JSON.parse(readFileSync(file, 'utf8')) as ContractRecord;
}

/** The version clients see (in ingest's claim status, for one). */
export const EVENT_CONTRACT_VERSION = contractRecord().version;

/** JSON with object keys sorted, so formatting and key order do not change the fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 over every schema file (shared types and value schemas), by relative path, in canonical JSON. */
export function schemasFingerprint(dir = SCHEMAS_DIR): string {
  const files = [
    ...readdirSync(join(dir, 'types')).map((file) => join('types', file)),
    ...readdirSync(dir).filter((file) => file.endsWith('.avsc')),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0${canonical(JSON.parse(readFileSync(join(dir, file), 'utf8')))}\0`);
  return hash.digest('hex');
}
