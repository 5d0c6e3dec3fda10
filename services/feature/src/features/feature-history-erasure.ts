import { Inject, Injectable } from '@nestjs/common';
import type { ErasureRequest } from '@claims-mesh/contracts';
import { ErasedSubjects, ErasureParticipant, REDIS, SubjectErasures } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { FeatureConfig } from '../config';
import { FeatureKeys } from './feature-keys';

/** Keys SCAN looks at per call: large enough to get through a big keyspace in few round trips, small enough not to block Redis. */
const SCAN_COUNT = 1000;

/**
 * The customers' histories (the store feature-history of an erasure request). An erasure
 * deletes the subject's history under every feature-set version: the service knows only its own
 * version, and an earlier one's keys live on until their TTL, so they are found by SCAN on the
 * subject's pattern. SCAN walks the whole keyspace, which is acceptable once per erasure (the
 * completion mark keeps a restart from walking it again), not per claim. A claim of the subject
 * counted while or after the erasure is applied leaves no history either (forgetErased).
 */
@Injectable()
export class FeatureHistoryErasure extends ErasureParticipant {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    erasures: SubjectErasures,
    config: FeatureConfig,
  ) {
    // Marks kept as long as a history written before the erasure could have lived.
    super('feature-history', new ErasedSubjects(redis, FeatureKeys.erasures(), config.HISTORY_TTL_DAYS * 86_400), erasures);
  }

  async erase({ subjectRef }: ErasureRequest): Promise<Record<string, number>> {
    let histories = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', FeatureKeys.customerHistoryOfEveryVersion(subjectRef), 'COUNT', SCAN_COUNT);
      if (keys.length) histories += await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return { histories };
  }

  /**
   * Deletes the histories just written of subjects that are erased or being erased. Called after
   * every batch is counted: the erasure marks before it deletes, so a history written meanwhile
   * is either seen by its SCAN or deleted here.
   */
  async forgetErased(historyKeys: ReadonlyMap<string, string>): Promise<void> {
    const erased = await this.erased.erasedAmong(historyKeys.keys());
    if (erased.size) await this.redis.del(...[...erased].map((subjectRef) => historyKeys.get(subjectRef) as string));
  }
}
