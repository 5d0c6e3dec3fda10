import { stack } from '@claims-mesh/testing';
import Redis from 'ioredis';

/**
 * Deletes the stack Redis's keys matching `pattern` (SCAN, then UNLINK so Redis frees them in
 * the background) and returns how many went. A bench runs its services under key prefixes of
 * its own and deletes them at the end: a run leaves hundreds of thousands of keys otherwise
 * (seen: 885,000 keys, 1 GB, after a few e2e runs), and they slow the next run's scripts.
 */
export async function deleteKeys(pattern: string): Promise<number> {
  const redis = new Redis(stack.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length) deleted += await redis.unlink(...keys);
    }
  } catch (error) {
    console.warn(`could not delete Redis keys ${pattern}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
  return deleted;
}
