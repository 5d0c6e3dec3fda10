import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One API key as configured: only its SHA-256 is stored, never the key itself. */
export interface ApiKeyEntry {
  /** Who holds the key (logged and traced instead of the key). */
  id: string;
  sha256: string;
  scopes: string[];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Parses the keys file (a JSON array of ApiKeyEntry) and rejects malformed entries by index. */
export function parseApiKeys(json: string, source: string): ApiKeyEntry[] {
  const entries = JSON.parse(json) as unknown;
  if (!Array.isArray(entries)) throw new Error(`${source}: expected a JSON array of API keys`);
  return entries.map((entry, index) => {
    const e = entry as Partial<ApiKeyEntry>;
    if (typeof e.id !== 'string' || !e.id) throw new Error(`${source}[${index}].id: required`);
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) {
      throw new Error(`${source}[${index}].sha256: must be 64 lowercase hex characters`);
    }
    if (!Array.isArray(e.scopes) || e.scopes.some((s) => typeof s !== 'string')) {
      throw new Error(`${source}[${index}].scopes: must be an array of strings`);
    }
    return { id: e.id, sha256: e.sha256, scopes: e.scopes };
  });
}

export function loadApiKeys(file: string): ApiKeyEntry[] {
  return parseApiKeys(readFileSync(file, 'utf8'), file);
}

/** The entry whose hash matches the presented key, compared in constant time. */
export function findApiKey(entries: ApiKeyEntry[], presented: string): ApiKeyEntry | undefined {
  const digest = Buffer.from(sha256Hex(presented), 'hex');
  return entries.find((e) => timingSafeEqual(Buffer.from(e.sha256, 'hex'), digest));
}
