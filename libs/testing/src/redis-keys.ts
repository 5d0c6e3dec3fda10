import Redis from 'ioredis';
import { stack } from './stack-endpoints';

/** Deletes every key matching `pattern` (SCAN, so the server is never blocked); how many. */
export async function deleteRedisKeys(pattern: string): Promise<number> {
  const redis = new Redis(stack.redisUrl, { lazyConnect: true });
  await redis.connect();
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length) deleted += await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
