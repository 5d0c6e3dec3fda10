import { Injectable } from '@nestjs/common';
import type { ClaimEnriched, ClaimSubmitted } from '@claims-mesh/contracts';
import { FeatureConfig } from '../config';
import { FeatureStore } from '../features/feature-store';
import { enrichedClaim } from './enriched-claim';

/**
 * Turns submitted claims into enriched ones: features from the store. (Drift of the models'
 * inputs is the rollout controller's: it measures them against the training rows recorded with
 * the served model, not against what this process happened to see first.)
 */
@Injectable()
export class ClaimEnricher {
  constructor(
    private readonly store: FeatureStore,
    private readonly config: FeatureConfig,
  ) {}

  /** One enriched claim per claim, in order. */
  async enrich(claims: readonly ClaimSubmitted[]): Promise<ClaimEnriched[]> {
    const computed = await this.store.computeBatch(claims);
    const enrichedAt = Date.now();
    return computed.map(({ features }, i) => enrichedClaim(claims[i], this.config.FEATURE_SET_VERSION, features, enrichedAt));
  }
}
