import { Inject, Injectable } from '@nestjs/common';
import { execTracedPipeline, REDIS } from '@claims-mesh/platform';
import Redis, { ChainableCommander } from 'ioredis';
import { IngestConfig } from '../config';
import { partsFromHash, StatusParts, StatusUpdate } from './status-view';

/**
 * Merges one update into a claim's hash: `owner` is written once (the first submitter keeps the
 * claim), every other part only over an older one (`<part>@` holds its time). Answers the owner
 * and the scored part after the write, which the webhooks need (a review names no owner).
 */
const MERGE = `
local key = KEYS[1]
if ARGV[2] ~= '' then redis.call('HSETNX', key, 'owner', ARGV[2]) end
for i = 3, #ARGV, 3 do
  local name = ARGV[i]
  local stored = tonumber(redis.call('HGET', key, name .. '@'))
  if stored == nil or tonumber(ARGV[i + 1]) > stored then
    redis.call('HSET', key, name, ARGV[i + 2], name .. '@', ARGV[i + 1])
  end
end
redis.call('EXPIRE', key, ARGV[1])
return redis.call('HMGET', key, 'owner', 'scored')
`;

type MergeCommander = { ingestStatusMerge(key: string, ...args: (string | number)[]): unknown };

/** What the view knows of a claim right after an update. */
export interface MergedStatus {
  claimId: string;
  owner: string | undefined;
  featureSetVersion: string | undefined;
}

/** The status view in Redis: `<INGEST_KEY_PREFIX>:status:<claimId>`, a hash kept STATUS_TTL_SECONDS after its last event. */
@Injectable()
export class StatusStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: IngestConfig,
  ) {
    if (!('ingestStatusMerge' in redis)) redis.defineCommand('ingestStatusMerge', { numberOfKeys: 1, lua: MERGE });
  }

  key(claimId: string): string {
    return `${this.config.INGEST_KEY_PREFIX}:status:${claimId}`;
  }

  /** Applies the updates in one round trip; what each claim's view holds afterwards, in order. */
  async merge(updates: StatusUpdate[]): Promise<MergedStatus[]> {
    if (updates.length === 0) return [];
    const replies = await execTracedPipeline(this.redis.pipeline(), 'ingestStatusMerge', (pipeline) => {
      for (const update of updates) this.queue(pipeline, update);
    });
    return replies.map(([error, reply], i) => {
      if (error) throw error;
      const [owner, scored] = reply as [string | null, string | null];
      const featureSetVersion = scored ? (JSON.parse(scored) as { featureSetVersion?: string }).featureSetVersion : undefined;
      return { claimId: updates[i].claimId, owner: owner ?? undefined, featureSetVersion };
    });
  }

  async get(claimId: string): Promise<StatusParts | undefined> {
    const hash = await this.redis.hgetall(this.key(claimId));
    return Object.keys(hash).length === 0 ? undefined : partsFromHash(hash);
  }

  private queue(pipeline: ChainableCommander, update: StatusUpdate): void {
    const args: (string | number)[] = [this.config.STATUS_TTL_SECONDS, update.owner ?? ''];
    for (const part of update.parts) args.push(part.name, part.at, JSON.stringify(part.value));
    (pipeline as unknown as MergeCommander).ingestStatusMerge(this.key(update.claimId), ...args);
  }
}
