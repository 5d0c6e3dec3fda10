import { Inject, Injectable } from '@nestjs/common';
import type { ClaimSubmitted, Features } from '@claims-mesh/contracts';
import { execTracedPipeline, PersonalData, PipelineReplies, REDIS } from '@claims-mesh/platform';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { FeatureConfig } from '../config';
import { claimOnlyFeatures } from './claim-only-features';
import { COMPUTE_FEATURES_LUA, KEYS_PER_CLAIM } from './compute-features.lua';
import { FeatureHistoryErasure } from './feature-history-erasure';
import { FeatureKeys, normalizeSerial } from './feature-keys';

const DAY_MS = 86_400_000;
const SCRIPT_SHA = createHash('sha1').update(COMPUTE_FEATURES_LUA).digest('hex');

export interface ComputedFeatures {
  features: Features;
  /** The event was seen before: these are the features computed then, nothing was counted again. */
  replayed: boolean;
}

/**
 * Claims per run of the compute-features script. Redis serves nobody else while a script
 * runs, so a run is kept to a few milliseconds (about 20 to 30 µs of Redis time per claim)
 * instead of a whole partition batch of hundreds.
 */
const CLAIMS_PER_SCRIPT_RUN = 64;

/**
 * The online feature store in Redis. A batch's claims go through the compute-features
 * script (atomic, idempotent per eventId) in runs of CLAIMS_PER_SCRIPT_RUN, all runs in one
 * pipeline, so one round trip; Redis executes them in batch order: a customer's claims see
 * each other in offset order.
 */
@Injectable()
export class FeatureStore {
  private readonly keys: FeatureKeys;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: FeatureConfig,
    private readonly personalData: PersonalData,
    private readonly erasure: FeatureHistoryErasure,
  ) {
    this.keys = new FeatureKeys(config.FEATURE_SET_VERSION);
  }

  /**
   * Features of each claim, in order, from claims whose personal data is readable (see
   * ClaimEnricher; the customer id may stay sealed: only its pseudonym is used). Throws when Redis fails (the batch is retried).
   */
  async computeBatch(claims: readonly ClaimSubmitted[]): Promise<ComputedFeatures[]> {
    if (claims.length === 0) return [];
    let replies = await this.runScripts(claims);
    if (replies.some(([error]) => isNoScript(error))) {
      // Redis restarted or its script cache was flushed: nothing ran, so load and run again.
      await this.redis.script('LOAD', COMPUTE_FEATURES_LUA);
      replies = await this.runScripts(claims);
    }
    const failed = replies.find(([error]) => error);
    if (failed) throw new Error(`feature store: ${failed[0]?.message}`);
    await this.erasure.forgetErased(new Map(claims.map((claim) => {
      const subjectRef = this.personalData.subjectRef(claim.customerId);
      return [subjectRef, this.keys.customerHistory(subjectRef)];
    })));
    const computed: ComputedFeatures[] = [];
    for (const [, result] of replies.slice(0, Math.ceil(claims.length / CLAIMS_PER_SCRIPT_RUN))) {
      const flat = result as (string | number)[];
      for (let i = 0; i < flat.length; i += 2) {
        const claim = claims[computed.length];
        computed.push({ features: featuresOf(claim, flat[i] as string), replayed: flat[i + 1] === 1 });
      }
    }
    return computed;
  }

  /** One pipeline of script runs, traced as one span (see execTracedPipeline). */
  private runScripts(claims: readonly ClaimSubmitted[]): Promise<PipelineReplies> {
    return execTracedPipeline(this.redis.pipeline(), 'EVALSHA', (pipeline) => {
      for (let start = 0; start < claims.length; start += CLAIMS_PER_SCRIPT_RUN) {
        const run = claims.slice(start, start + CLAIMS_PER_SCRIPT_RUN);
        pipeline.evalsha(SCRIPT_SHA, run.length * KEYS_PER_CLAIM, ...this.scriptArgsOf(run));
      }
      // A product's amount statistics (no personal data) go HISTORY_TTL_DAYS after its last claim, as
      // the customers' and serials' histories do; set here, once per product of the batch, after the script runs.
      for (const product of new Set(claims.map((claim) => claim.product))) {
        pipeline.pexpire(this.keys.productAmountMoments(product), this.config.HISTORY_TTL_DAYS * DAY_MS);
      }
    });
  }

  /** The keys of every claim of the run, then the shared arguments and each claim's own. */
  private scriptArgsOf(run: readonly ClaimSubmitted[]): (string | number)[] {
    const keys: string[] = [];
    const args: (string | number)[] = [
      this.config.ZSCORE_MIN_SAMPLES,
      this.config.EVENT_MARKER_TTL_DAYS * DAY_MS,
      this.config.HISTORY_TTL_DAYS * DAY_MS,
      this.config.CUSTOMER_MAX_CLAIMS,
    ];
    for (const claim of run) {
      keys.push(
        this.keys.eventFeatures(claim.eventId),
        this.keys.customerHistory(this.personalData.subjectRef(claim.customerId)),
        this.keys.serialSeen(this.personalData.pseudonym(normalizeSerial(claim.serialNumber))),
        this.keys.productAmountMoments(claim.product),
      );
      args.push(claim.timestamps.submittedAt, claim.amountMinor, claim.claimId, claim.revision ?? 0);
    }
    return (keys as (string | number)[]).concat(args);
  }
}

/** A claim's features: those the script computed or stored (its reply, see COMPUTE_FEATURES_LUA) and those of the claim alone. */
function featuresOf(claim: ClaimSubmitted, stored: string): Features {
  const [count1h, count24h, count30d, amount1h, amount24h, amount30d, zScore, first, serialSeen] = stored.split(',');
  return {
    customerClaimCount1h: Number(count1h),
    customerClaimCount24h: Number(count24h),
    customerClaimCount30d: Number(count30d),
    customerAmount1hMinor: Number(amount1h),
    customerAmount24hMinor: Number(amount24h),
    customerAmount30dMinor: Number(amount30d),
    amountZScore: Number(zScore),
    ...claimOnlyFeatures(claim),
    isFirstClaim: first === '1',
    serialNumberSeenBefore: serialSeen === '1',
  };
}

function isNoScript(error: Error | null): boolean {
  return error?.message.startsWith('NOSCRIPT') ?? false;
}
