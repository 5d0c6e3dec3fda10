import { status } from '@grpc/grpc-js';
import { copyVersionIn, deleteTakenOut, putBack, servedVersions, takeVersionOut } from './live-repository';
import { TritonRepositoryClient } from './repository-client';
import { TritonClient } from './triton-client';
import { TritonError } from './triton-error';

export interface ModelVersionOptions {
  /** The live model repository every shard serves (liveRepository() for the local stack's). */
  repository: string;
  /** The models to change, e.g. ['fraud_student', 'fraud_teacher']: a student and teacher trained together share a version. */
  models: string[];
  version: string;
  /** gRPC host:port of every shard serving the repository. */
  shards: string[];
  /** Bound of the whole operation, loads and readiness waits on every shard. Default 120000. */
  timeoutMs?: number;
  /** Progress lines; default none. */
  log?: (line: string) => void;
}

export interface InstallOptions extends ModelVersionOptions {
  /** Holds <model>/<version>/ for each model, e.g. .stack/models/candidates (infra/models/retrain.py). */
  candidatesDir: string;
}

export interface InstallResult {
  /** Per model: copied into the repository now, or found there with the same files. */
  copied: Record<string, 'copied' | 'present'>;
  /** Per shard, how long its loads and readiness took. */
  shardMs: Record<string, number>;
}

/** How often readiness is asked while waiting. */
const POLL_MS = 250;

/**
 * Puts a trained version of some models into service on every shard, with no restart: copies
 * <candidatesDir>/<model>/<version>/ into the live repository (written beside, then renamed),
 * then on each shard in turn asks RepositoryModelLoad of each model and waits until ModelReady
 * says the version is ready there. One shard at a time: a shard loading a model reports not
 * ready for a moment (strict readiness), the others stay ready; the versions it served before
 * keep serving during the load. Serving the version does not route claims to it: that is a
 * rollout record's decision (the gateway checks the version is ready on every shard first).
 *
 * A shard that does not answer (UNAVAILABLE, a deadline) is asked again until timeoutMs, then
 * the install fails naming it, leaving the version in the repository: the other shards serve
 * it, and that shard loads it when it comes back (shards load the whole repository at start).
 * A load the server refuses (a broken version) takes the version back out of the repository and
 * leaves the shards asked so far as they were (see takeBackOut), so no shard keeps it, none
 * restarts into it and none stays not ready; the install then fails with the server's reason.
 */
export async function installModelVersion(options: InstallOptions): Promise<InstallResult> {
  const { repository, models, version, candidatesDir } = options;
  const log = options.log ?? (() => undefined);
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const copied: InstallResult['copied'] = {};
  for (const model of models) {
    copied[model] = copyVersionIn(`${candidatesDir}/${model}/${version}`, repository, model, version);
    log(`${model} version ${version}: ${copied[model] === 'copied' ? 'copied into' : 'already in'} ${repository}`);
  }
  const shardMs: InstallResult['shardMs'] = {};
  const touched: string[] = [];
  for (const address of options.shards) {
    const started = Date.now();
    touched.push(address);
    try {
      await onShard(address, async (repositoryClient, client) => {
        for (const model of models) await loadUntilDone(repositoryClient, model, deadline);
        await waitForReadiness(client, models, version, true, deadline);
      });
    } catch (error) {
      if (error instanceof LoadRefused) {
        await takeBackOut(options, copied, touched, log);
        throw new Error(`${describe(models, version)}: ${error.message}; the version was taken out of the repository again`, { cause: error });
      }
      throw error;
    }
    shardMs[address] = Date.now() - started;
    log(`${describe(models, version)} ready on ${address} in ${shardMs[address]} ms`);
  }
  return { copied, shardMs };
}

/**
 * Takes a version of some models out of service on every shard: moves each <model>/<version>/
 * out of the live repository in one rename, loads each model again on each shard in turn (the
 * server then stops serving the version; the others keep serving) and waits until ModelReady
 * says it is no longer ready there, then deletes the files. Models lacking the version are
 * skipped. Route no claims to the version first (a rollout record): a claim sent to it
 * afterwards fails. RepositoryModelUnload would unload every version of the model.
 */
export async function removeModelVersion(options: ModelVersionOptions): Promise<void> {
  const { repository, models, version } = options;
  const log = options.log ?? (() => undefined);
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const aside = new Map<string, string>();
  for (const model of models) {
    const moved = takeVersionOut(repository, model, version);
    if (moved) aside.set(model, moved);
  }
  const present = [...aside.keys()];
  if (present.length === 0) {
    log(`${describe(models, version)}: not in ${repository}, nothing to remove`);
    return;
  }
  try {
    for (const address of options.shards) {
      await onShard(address, async (repositoryClient, client) => {
        for (const model of present) await loadUntilDone(repositoryClient, model, deadline);
        await waitForReadiness(client, present, version, false, deadline);
      });
      log(`${describe(present, version)} no longer served by ${address}`);
    }
  } catch (error) {
    // A server refused to load the models without the version: put it back as it was served.
    if (error instanceof LoadRefused) for (const [model, dir] of aside) putBack(dir, repository, model, version);
    throw error;
  }
  for (const dir of aside.values()) deleteTakenOut(dir);
  log(`${describe(present, version)} removed from ${repository}`);
}

/** A load the server answered with a refusal: the models as they are cannot be loaded. */
class LoadRefused extends Error {
  override readonly name = 'LoadRefused';
}

/** Codes of a server that is down, restarting or slow, rather than one refusing the load. */
const SHARD_TROUBLE = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

async function onShard(
  address: string,
  work: (repositoryClient: TritonRepositoryClient, client: TritonClient) => Promise<void>,
): Promise<void> {
  const repositoryClient = new TritonRepositoryClient({ address, timeoutMs: 5000 });
  const client = new TritonClient({ address, timeoutMs: 5000 });
  try {
    await work(repositoryClient, client);
  } catch (error) {
    if (error instanceof LoadRefused || error instanceof ShardTimedOut) throw error;
    throw new Error(`shard ${address}: ${(error as Error).message}`, { cause: error });
  } finally {
    repositoryClient.close();
    client.close();
  }
}

async function loadUntilDone(repositoryClient: TritonRepositoryClient, model: string, deadline: number): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await repositoryClient.load(model, { deadline });
      return;
    } catch (error) {
      if (!(error instanceof TritonError)) throw error;
      if (!SHARD_TROUBLE.has(error.code)) throw new LoadRefused(`shard ${repositoryClient.address} refused to load ${model}: ${error.message}`, { cause: error });
      lastError = error;
      await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
    }
  }
  throw new ShardTimedOut(`shard ${repositoryClient.address} did not load ${model} in time: ${(lastError as Error | undefined)?.message ?? 'no answer'}`);
}

/** Waits until ModelReady(model, version) is `wanted` for every model on the client's shard. */
async function waitForReadiness(client: TritonClient, models: string[], version: string, wanted: boolean, deadline: number): Promise<void> {
  let pending = models;
  let lastError: Error | undefined;
  while (Date.now() < deadline) {
    try {
      const ready = await Promise.all(pending.map((model) => client.modelReady(model, version)));
      pending = pending.filter((_, i) => ready[i] !== wanted);
      lastError = undefined;
      if (pending.length === 0) return;
    } catch (error) {
      lastError = error as Error;
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
  const what = `${describe(pending, version)} ${wanted ? 'not ready' : 'still ready'} on shard ${client.address} in time`;
  throw new ShardTimedOut(lastError ? `${what}: ${lastError.message}` : what);
}

/** The shard did not get there before the deadline (the message names it). */
class ShardTimedOut extends Error {
  override readonly name = 'ShardTimedOut';
}

/**
 * After a refused load: the versions copied now leave the repository, and the shards asked so far
 * are left serving what they served before. A version that failed to load stays in a server's
 * index with its error, and with strict readiness keeps the server not ready whatever is loaded
 * afterwards (an unload of the model does not clear it either); only that version number loading
 * and then being removed does. So a stand-in, a copy of a version the model serves, is loaded
 * under that number and taken out again.
 */
async function takeBackOut(
  options: InstallOptions,
  copied: InstallResult['copied'],
  shards: string[],
  log: (line: string) => void,
): Promise<void> {
  const { repository, version } = options;
  const models = Object.keys(copied).filter((model) => copied[model] === 'copied');
  const broken = models.map((model) => takeVersionOut(repository, model, version));
  const reloadAll = async () => {
    for (const address of shards) {
      await onShard(address, async (repositoryClient) => {
        for (const model of models) await repositoryClient.load(model);
      }).catch((error: Error) => log(`could not load ${models.join(', ')} again on ${address}: ${error.message}`));
    }
  };
  const standIns: string[] = [];
  try {
    for (const model of models) {
      const served = servedVersions(repository, model).filter((v) => v !== version);
      if (served.length) copyVersionIn(`${repository}/${model}/${served[served.length - 1]}`, repository, model, version);
    }
    await reloadAll();
  } finally {
    for (const model of models) {
      const aside = takeVersionOut(repository, model, version);
      if (aside) standIns.push(aside);
    }
  }
  await reloadAll();
  for (const dir of [...broken, ...standIns]) if (dir) deleteTakenOut(dir);
}

function describe(models: string[], version: string): string {
  return `${models.join(' + ')} version ${version}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
