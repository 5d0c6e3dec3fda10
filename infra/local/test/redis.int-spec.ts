import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { stack, waitFor } from '@claims-mesh/testing';

describe('Redis of the local stack', () => {
  const redis = new Redis(stack.redisUrl);

  afterAll(async () => {
    await redis.quit();
  });

  it('stores and returns a value', async () => {
    const key = `it:stack:${randomUUID()}`;
    await redis.set(key, 'value-1', 'EX', 60);
    expect(await redis.get(key)).toBe('value-1');
    await redis.del(key);
  });

  it('appends writes to its AOF file on disk', async () => {
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    const [, dir] = (await redis.config('GET', 'dir')) as string[];
    const [, dirname] = (await redis.config('GET', 'appenddirname')) as string[];
    const aofDir = join(dir, dirname);
    const aofBytes = () =>
      readdirSync(aofDir)
        .filter((f) => f.includes('.aof'))
        .reduce((sum, f) => sum + statSync(join(aofDir, f)).size, 0);

    const before = existsSync(aofDir) ? aofBytes() : 0;
    await redis.set(`it:stack:aof:${randomUUID()}`, 'x'.repeat(64), 'EX', 60);
    // appendfsync everysec: the write reaches the file within about a second.
    await waitFor('the AOF file to grow', async () => (aofBytes() > before ? true : undefined), 5000);
  });
});
