import { piiPaths, topicValueSchema, valueSchema } from '@claims-mesh/contracts';
import { REDACTED, writableSlotOf } from '@claims-mesh/platform';

/** What a reader without `audit:pii` sees in place of personal data (also all that is left after an erasure). */
export const MASK = REDACTED;

/** Original values of the personal fields of one stored object, by dotted path. */
export type PiiValues = Record<string, unknown>;

/**
 * Splits an object into what the index may show anyone (every personal field present in it
 * replaced by MASK) and the personal values themselves, kept apart so that an erasure is
 * one deletion and a masked read never has to touch them. The input is left as it is: only
 * the objects on the way to a personal field are copied (a deep clone of every record showed
 * in audit's profile).
 */
export function splitPii<T extends object>(
  value: T,
  paths: readonly string[],
): { masked: T; pii: PiiValues | undefined } {
  const masked = { ...value };
  let pii: PiiValues | undefined;
  for (const path of paths) {
    const slot = writableSlotOf(masked, path);
    if (!slot) continue;
    (pii ??= {})[path] = slot.parent[slot.name];
    slot.parent[slot.name] = MASK;
  }
  return { masked, pii };
}

/** The masked object with the kept personal values put back (paths missing from it are ignored). */
export function revealPii<T extends object>(masked: T, pii: PiiValues): T {
  const revealed = { ...masked };
  for (const [path, original] of Object.entries(pii)) {
    const slot = writableSlotOf(revealed, path);
    if (slot) slot.parent[slot.name] = original;
  }
  return revealed;
}

const pathsBySchema = new Map<string, readonly string[]>();
const pathsByTopic = new Map<string, readonly string[]>();

/** The fields marked `"pii": true` in a schema of schemas/, read once. */
function pathsOfSchema(name: string, json: Parameters<typeof piiPaths>[0]): readonly string[] {
  let paths = pathsBySchema.get(name);
  if (!paths) {
    paths = piiPaths(json);
    pathsBySchema.set(name, paths);
  }
  return paths;
}

/** Personal fields of a topic's records, by the marks in its value schema. */
export function piiPathsOfTopic(topic: string): readonly string[] {
  let paths = pathsByTopic.get(topic);
  if (!paths) {
    const schema = topicValueSchema(topic);
    paths = pathsOfSchema(schema.name, schema.json);
    pathsByTopic.set(topic, paths);
  }
  return paths;
}

/** Personal fields of a claim as submitted (the `claim` every later record carries has this schema). */
export function piiPathsOfClaim(): readonly string[] {
  const schema = valueSchema('ClaimSubmitted');
  return pathsOfSchema(schema.name, schema.json);
}
