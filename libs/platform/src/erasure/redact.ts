/** What a personal value becomes when it is masked or redacted. */
export const REDACTED = '***';

/**
 * The field at a dotted path of `root`, a fresh shallow copy, with every object on the way
 * to it replaced by a shallow copy too, so writing to the slot never reaches the original.
 */
export function writableSlotOf(root: object, path: string): { parent: Record<string, unknown>; name: string } | undefined {
  const names = path.split('.');
  let parent = root as Record<string, unknown>;
  for (let i = 0; i < names.length - 1; i++) {
    const child = parent[names[i]];
    if (!isObject(child)) return undefined;
    parent = parent[names[i]] = { ...child };
  }
  const name = names[names.length - 1];
  return Object.hasOwn(parent, name) ? { parent, name } : undefined;
}

/**
 * A copy of `value` with the fields at `paths` that hold a value replaced by REDACTED (a null
 * stays null: nothing was there). The input is left as it is.
 */
export function redactPaths<T extends object>(value: T, paths: readonly string[]): T {
  const redacted = { ...value };
  for (const path of paths) {
    const slot = writableSlotOf(redacted, path);
    if (slot && slot.parent[slot.name] !== null && slot.parent[slot.name] !== undefined) slot.parent[slot.name] = REDACTED;
  }
  return redacted;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
