import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { LineageKeys } from './lineage-keys';
import { lineageViewOf, LineageView } from './lineage-view';
import { execOrThrow } from './redis-replies';

@Injectable()
export class LineageReader {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: LineageKeys,
  ) {}

  /**
   * A claim's lineage, undefined for a claim the index does not know. Personal values are
   * read only for a reader who may see them; the two hashes are read in one transaction so
   * an erasure is never seen half done.
   */
  async read(claimId: string, withPii: boolean): Promise<LineageView | undefined> {
    const transaction = this.redis.multi().hgetall(this.keys.lineage(claimId));
    if (withPii) transaction.hgetall(this.keys.pii(claimId));
    const [lineage, pii] = (await execOrThrow(transaction, 'lineage index')) as Record<string, string>[];
    return lineageViewOf(claimId, lineage, pii);
  }
}
