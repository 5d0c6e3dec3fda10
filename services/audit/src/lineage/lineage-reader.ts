import { Inject, Injectable } from '@nestjs/common';
import { isEnvelope } from '@claims-mesh/contracts';
import { PersonalData, REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { LineageKeys } from './lineage-keys';
import { lineageViewOf, LineageView } from './lineage-view';
import { execOrThrow } from './redis-replies';

@Injectable()
export class LineageReader {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: LineageKeys,
    private readonly personalData: PersonalData,
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
    return lineageViewOf(claimId, lineage, pii && (await this.opened(pii)));
  }

  /**
   * The stored personal values with their envelopes opened (records are indexed as they came,
   * sealed when the mesh seals): null for a customer whose data keys were erased.
   */
  private async opened(pii: Record<string, string>): Promise<Record<string, string>> {
    const entries = await Promise.all(
      Object.entries(pii).map(async ([field, json]) => {
        const values = JSON.parse(json) as Record<string, unknown>;
        const sealed = Object.entries(values).filter(([, value]) => isEnvelope(value));
        if (sealed.length === 0) return [field, json] as const;
        const opened = await Promise.all(sealed.map(([, value]) => this.personalData.codec.openText(value as string)));
        sealed.forEach(([path], i) => (values[path] = opened[i]));
        return [field, JSON.stringify(values)] as const;
      }),
    );
    return Object.fromEntries(entries);
  }
}
