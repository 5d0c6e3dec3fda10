import type { ErasureStatus } from '@claims-mesh/contracts';
import type Redis from 'ioredis';

const PENDING = 'pending';

/**
 * One store's erased subjects, a Redis hash: subjectRef -> "pending" while the store is being
 * erased, then the status it reported (JSON). The mark is set before the store is purged, and a
 * writer that stores something of a subject checks for it afterwards (erasedAmong) and removes
 * what it wrote when it finds it: Redis runs commands one at a time, so either the purge sees
 * the write or the writer sees the mark, and nothing written during an erasure survives it.
 */
export class ErasedSubjects {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    /**
     * How long the hash outlives its newest erasure: the longest the store keeps data written
     * before an erasure, after which no record of the subject from before can reach it again.
     */
    private readonly ttlSeconds: number,
  ) {}

  /** Marks the subject as being erased here (a completed erasure keeps its status). */
  async begin(subjectRef: string): Promise<void> {
    await this.redis.multi().hsetnx(this.key, subjectRef, PENDING).expire(this.key, this.ttlSeconds).exec();
  }

  /** Records the status the store reported. */
  async complete(status: ErasureStatus): Promise<void> {
    await this.redis.multi().hset(this.key, status.subjectRef, JSON.stringify(status)).expire(this.key, this.ttlSeconds).exec();
  }

  /** The status of the subject's completed erasure here, if it completed. */
  async completed(subjectRef: string): Promise<ErasureStatus | undefined> {
    const stored = await this.redis.hget(this.key, subjectRef);
    return stored === null || stored === PENDING ? undefined : (JSON.parse(stored) as ErasureStatus);
  }

  /** Those of the subjects that are erased here, or being erased. */
  async erasedAmong(subjectRefs: Iterable<string>): Promise<Set<string>> {
    const refs = [...new Set(subjectRefs)];
    if (refs.length === 0) return new Set();
    const marks = await this.redis.hmget(this.key, ...refs);
    return new Set(refs.filter((_, i) => marks[i] !== null));
  }
}
