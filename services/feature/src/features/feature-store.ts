import { Inject, Injectable } from '@nestjs/common';
import type { ClaimSubmitted, Features } from '@claims-mesh/contracts';
import { execTracedPipeline, PipelineReplies, REDIS } from '@claims-mesh/platform';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { FeatureConfig } from '../config';
import { claimOnlyFeatures } from './claim-only-features';
import { COMPUTE_FEATURES_LUA } from './compute-features.lua';
import { FeatureKeys } from './feature-keys';

const DAY_MS = 86_400_000;
const SCRIPT_SHA = createHash('sha1').update(COMPUTE_FEATURES_LUA).digest('hex');

export interface ComputedFeatures {
  features: Features;
  /** The event was seen before: these are the features computed then, nothing was counted again. */
  replayed: boolean;
}

/**
 * The online feature store in Redis. Each claim is one run of the compute-features script
 * (atomic, idempotent per eventId); a batch is one pipeline, so one round trip, and Redis
 * runs the scripts in batch order: a customer's claims see each other in offset order.
 */
@Injectable()
export class FeatureStore {
  private readonly keys: FeatureKeys;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: FeatureConfig,
  ) {
    this.keys = new FeatureKeys(config.FEATURE_SET_VERSION);
  }

  /** Features of each claim, in order. Throws when Redis fails (the batch is retried). */
  async computeBatch(claims: readonly ClaimSubmitted[]): Promise<ComputedFeatures[]> {
    if (claims.length === 0) return [];
    let replies = await this.runScripts(claims);
    if (replies.some(([error]) => isNoScript(error))) {
      // Redis restarted or its script cache was flushed: nothing ran, so load and run again.
      await this.redis.script('LOAD', COMPUTE_FEATURES_LUA);
      replies = await this.runScripts(claims);
    }
    return replies.map(([error, result]) => {
      if (error) throw new Error(`feature store: ${error.message}`);
      const [json, replayed] = result as [string, number];
      return { features: JSON.parse(json) as Features, replayed: replayed === 1 };
    });
  }

  /** One pipeline, traced as one span (see execTracedPipeline). */
  private runScripts(claims: readonly ClaimSubmitted[]): Promise<PipelineReplies> {
    return execTracedPipeline(this.redis.pipeline(), 'EVALSHA', (pipeline) => {
      for (const claim of claims) pipeline.evalsha(SCRIPT_SHA, 5, ...this.keysOf(claim), ...this.argsOf(claim));
    });
  }

  private keysOf(claim: ClaimSubmitted): string[] {
    const customer = this.keys.customer(claim.customerId);
    return [
      this.keys.event(claim.eventId),
      customer.claims,
      customer.count,
      this.keys.serialClaimCount(claim.serialNumber),
      this.keys.productAmountStats(claim.product),
    ];
  }

  private argsOf(claim: ClaimSubmitted): (string | number)[] {
    const own = claimOnlyFeatures(claim);
    return [
      claim.eventId,
      claim.timestamps.submittedAt,
      claim.amountMinor,
      own.daysSincePolicyStart,
      own.descriptionLength,
      own.mediaCount,
      this.config.ZSCORE_MIN_SAMPLES,
      this.config.EVENT_MARKER_TTL_DAYS * DAY_MS,
      this.config.HISTORY_TTL_DAYS * DAY_MS,
      this.config.CUSTOMER_MAX_CLAIMS,
    ];
  }
}

function isNoScript(error: Error | null): boolean {
  return error?.message.startsWith('NOSCRIPT') ?? false;
}
