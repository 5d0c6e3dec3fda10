import { piiPaths, valueSchema, valueSchemaNames } from '@claims-mesh/contracts';

export const REDACTED = '[Redacted]';

/**
 * Names of the fields marked `"pii": true` in any value schema (`customerEmail`, `note`, ...).
 * A log object never carries one of them, at whatever depth, whatever the object is.
 */
export function piiFieldNames(): ReadonlySet<string> {
  const names = new Set<string>();
  for (const schema of valueSchemaNames()) {
    for (const path of piiPaths(valueSchema(schema).json)) names.add(path.slice(path.lastIndexOf('.') + 1));
  }
  return names;
}

const MAX_DEPTH = 8;

/**
 * A copy of a log object with the value of every field named in `names` replaced by REDACTED.
 * Only plain objects and arrays are walked (errors and other instances keep their serializers);
 * anything deeper than MAX_DEPTH is dropped rather than logged unchecked.
 */
export function scrubPii<T>(value: T, names: ReadonlySet<string>, depth = 0): T {
  if (Array.isArray(value)) {
    return (depth >= MAX_DEPTH ? REDACTED : value.map((v) => scrubPii(v, names, depth + 1))) as T;
  }
  if (!isPlainObject(value)) return value;
  if (depth >= MAX_DEPTH) return REDACTED as T;
  const scrubbed: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    scrubbed[key] = names.has(key) ? REDACTED : scrubPii(field, names, depth + 1);
  }
  return scrubbed as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
