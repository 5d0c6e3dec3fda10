import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localStackCache } from './local-stack-cache';

/** Where infra/local/components/triton.sh keeps Triton's install and its model repository, models-<sources hash>. */
function tritonHome(): string {
  return join(localStackCache(), 'triton');
}

const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const VERSION = /^[1-9][0-9]*$/;
/** Python writes this into a version directory when Triton runs it: not part of the version. */
const BYTECODE_DIR = '__pycache__';

/**
 * The model repository the local stack's Triton serves: the one models-<hash> directory in the
 * Triton cache (the install deletes the others after training). `home` for another cache.
 */
export function liveRepository(home = tritonHome()): string {
  const found = existsSync(home)
    ? readdirSync(home).filter((name) => /^models-[0-9a-f]+$/.test(name) && statSync(join(home, name)).isDirectory())
    : [];
  if (found.length !== 1) {
    const what = found.length === 0 ? 'no model repository' : `${found.length} model repositories (${found.join(', ')})`;
    throw new Error(`${what} in ${home}: start Triton (infra/local/stack up triton) or name the repository`);
  }
  return join(home, found[0]);
}

export function assertModelVersion(model: string, version: string): void {
  if (!MODEL_NAME.test(model)) throw new Error(`"${model}" is not a model name`);
  if (!VERSION.test(version)) throw new Error(`"${version}" is not a model version (a positive integer)`);
}

/** <repository>/<model>/<version>. */
export function versionDirectory(repository: string, model: string, version: string): string {
  assertModelVersion(model, version);
  return join(repository, model, version);
}

/** The version directories of a model in the repository, in ascending order. */
export function servedVersions(repository: string, model: string): string[] {
  const dir = join(repository, model);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && VERSION.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => Number(a) - Number(b));
}

/** Whether the repository holds this version of the model. */
export function hasVersion(repository: string, model: string, version: string): boolean {
  return existsSync(versionDirectory(repository, model, version));
}

/**
 * Copies a version directory (`source`, e.g. <candidates>/<model>/<version>) into the repository
 * as <model>/<version>. It is written beside, in the model's directory under a name Triton does
 * not take for a version, and renamed into place once whole, so a shard loading the model never
 * sees half of it. A version already there with the same files is left as it is ('present'); one
 * with other files is refused: a version may be served, so it is never changed in place.
 * The model must be in the repository already (its config.pbtxt: the version policy serves
 * every version directory).
 */
export function copyVersionIn(source: string, repository: string, model: string, version: string): 'copied' | 'present' {
  const target = versionDirectory(repository, model, version);
  if (!existsSync(join(repository, model, 'config.pbtxt'))) {
    throw new Error(`${model} is not a model of ${repository} (no ${model}/config.pbtxt): only new versions of its models are installed`);
  }
  if (!existsSync(source) || !statSync(source).isDirectory() || filesOf(source).length === 0) {
    throw new Error(`no version to install at ${source} (not a directory with files)`);
  }
  if (existsSync(target)) return sameFilesOrThrow(source, target);
  const staging = join(repository, model, `.installing-${version}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    cpSync(source, staging, { recursive: true, filter: (path) => !path.split(/[\\/]/).includes(BYTECODE_DIR) });
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another installer put the version in first (renaming onto a directory with files fails).
      if (existsSync(target)) return sameFilesOrThrow(source, target);
      throw error;
    }
    return 'copied';
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Takes <model>/<version> out of the repository in one rename, to a directory beside it that
 * Triton does not take for a version, and returns that directory (delete it with
 * deleteTakenOut once no shard serves the version), or undefined when the version was not there.
 */
export function takeVersionOut(repository: string, model: string, version: string): string | undefined {
  const target = versionDirectory(repository, model, version);
  if (!existsSync(target)) return undefined;
  const aside = join(repository, model, `.removing-${version}-${process.pid}-${randomBytes(4).toString('hex')}`);
  renameSync(target, aside);
  return aside;
}

export function deleteTakenOut(aside: string): void {
  rmSync(aside, { recursive: true, force: true });
}

/** Puts a directory takeVersionOut moved aside back as its version (when the removal is called off). */
export function putBack(aside: string, repository: string, model: string, version: string): void {
  renameSync(aside, versionDirectory(repository, model, version));
}

/** Files under `dir`, relative, sorted, bytecode left out. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((path) => !path.split(/[\\/]/).includes(BYTECODE_DIR))
    .sort();
}

function sameFilesOrThrow(source: string, target: string): 'present' {
  const files = filesOf(source);
  const there = filesOf(target);
  const differ =
    files.length !== there.length ||
    files.some((file, i) => file !== there[i] || !readFileSync(join(source, file)).equals(readFileSync(join(target, file))));
  if (differ) {
    throw new Error(`${target} exists with other files than ${source}: a version in the repository is never replaced; install under a new version`);
  }
  return 'present';
}
