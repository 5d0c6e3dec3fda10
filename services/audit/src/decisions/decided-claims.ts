import { Inject, Injectable } from '@nestjs/common';
import type { Action } from '@claims-mesh/contracts';
import { REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { LINEAGE_FIELDS, LineageKeys } from '../lineage/lineage-keys';
import { FinalDecision } from '../lineage/lineage-write';
import { execOrThrow } from '../lineage/redis-replies';

/** A position in the list: the last claim of the page before. */
export interface ListPosition {
  decidedAt: number;
  claimId: string;
}

export interface DecidedClaimsQuery {
  action?: Action;
  /** decidedAt >= from (epoch ms). */
  from?: number;
  /** decidedAt < to (epoch ms). */
  to?: number;
  limit: number;
  after?: ListPosition;
}

export interface DecidedClaim extends FinalDecision {
  claimId: string;
}

export interface DecidedClaimsPage {
  claims: DecidedClaim[];
  /** Where the next page starts; undefined on the last page. */
  next?: ListPosition;
}

/**
 * Finally decided claims by decision time, oldest first, from the sorted sets the record
 * script keeps (score = decidedAt; equal times in claimId order, as Redis orders them).
 */
@Injectable()
export class DecidedClaims {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: LineageKeys,
  ) {}

  async list(query: DecidedClaimsQuery): Promise<DecidedClaimsPage> {
    const entries = await this.entriesAfter(query);
    const page = entries.slice(0, query.limit);
    const pipeline = this.redis.pipeline();
    for (const { claimId } of page) pipeline.hget(this.keys.lineage(claimId), LINEAGE_FIELDS.final);
    const finals = page.length ? ((await execOrThrow(pipeline, 'decided claims')) as (string | null)[]) : [];
    const claims = page.flatMap(({ claimId }, i) => {
      const final = finals[i];
      return final ? [{ claimId, ...(JSON.parse(final) as FinalDecision) }] : [];
    });
    const last = page[page.length - 1];
    return { claims, next: entries.length > query.limit ? last : undefined };
  }

  /**
   * Up to limit + 1 entries past the position (the extra one says whether a next page
   * exists). Scores are milliseconds, so several claims can share the position's score:
   * those up to the position's claimId are skipped, reading on until enough are found.
   */
  private async entriesAfter(query: DecidedClaimsQuery): Promise<ListPosition[]> {
    const key = this.keys.decided(query.action);
    const { after } = query;
    const min = Math.max(after?.decidedAt ?? -Infinity, query.from ?? -Infinity);
    const max = query.to === undefined ? '+inf' : `(${query.to}`;
    const wanted = query.limit + 1;
    const found: ListPosition[] = [];
    for (let offset = 0; found.length < wanted;) {
      const chunk = await this.redis.zrange(
        key,
        Number.isFinite(min) ? min : '-inf',
        max,
        'BYSCORE',
        'LIMIT',
        offset,
        wanted,
        'WITHSCORES',
      );
      if (chunk.length === 0) break;
      for (let i = 0; i < chunk.length; i += 2) {
        const entry = { claimId: chunk[i], decidedAt: Number(chunk[i + 1]) };
        if (!after || entry.decidedAt > after.decidedAt || entry.claimId > after.claimId) found.push(entry);
      }
      offset += chunk.length / 2;
    }
    return found.slice(0, wanted);
  }
}
