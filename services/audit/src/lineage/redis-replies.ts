import type { ChainableCommander } from 'ioredis';

/** Runs a pipeline or transaction and returns its results, or throws the first command error. */
export async function execOrThrow(commands: ChainableCommander, what: string): Promise<unknown[]> {
  const replies = await commands.exec();
  if (!replies) throw new Error(`${what}: the Redis transaction was discarded`);
  const failed = replies.find(([error]) => error);
  if (failed) throw new Error(`${what}: ${(failed[0] as Error).message}`);
  return replies.map(([, result]) => result);
}
