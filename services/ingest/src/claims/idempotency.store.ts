import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { IngestConfig } from '../config';
import { ClaimIds } from './claim-factory';

export type Reservation = { state: 'new' } | { state: 'done'; ids: ClaimIds } | { state: 'in-progress' };

/** A reservation outlives a crash mid-publish only this long, so a retry is not refused for a day. */
const PENDING_TTL_SECONDS = 30;

/**
 * Remembers, per idempotency key, the answer given to the first submission: SET NX marks a
 * key as in progress, the ids are stored once Kafka acknowledged the claim.
 */
@Injectable()
export class IdempotencyStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: IngestConfig,
  ) {}

  /** Reserves every key in one round trip; the answer for each key in order. */
  async reserve(keys: string[]): Promise<Reservation[]> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) {
      pipeline.set(redisKey(key), 'pending', 'EX', PENDING_TTL_SECONDS, 'NX');
      pipeline.get(redisKey(key));
    }
    const replies = (await pipeline.exec()) ?? [];
    return keys.map((_, i) => {
      const [setError, set] = replies[2 * i];
      const [getError, stored] = replies[2 * i + 1];
      if (setError || getError) throw setError ?? getError;
      if (set === 'OK') return { state: 'new' };
      if (stored === 'pending' || stored === null) return { state: 'in-progress' };
      return { state: 'done', ids: JSON.parse(stored as string) as ClaimIds };
    });
  }

  async complete(entries: { key: string; ids: ClaimIds }[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { key, ids } of entries) pipeline.set(redisKey(key), JSON.stringify(ids), 'EX', this.config.IDEMPOTENCY_TTL_SECONDS);
    await pipeline.exec();
  }

  async release(keys: string[]): Promise<void> {
    if (keys.length) await this.redis.del(...keys.map(redisKey));
  }
}

function redisKey(key: string): string {
  return `ingest:idempotency:${key}`;
}
