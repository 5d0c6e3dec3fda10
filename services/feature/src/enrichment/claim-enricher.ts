import { Injectable } from '@nestjs/common';
import type { ClaimEnriched, ClaimSubmitted } from '@claims-mesh/contracts';
import { FeatureConfig } from '../config';
import { DriftMonitor } from '../drift/drift-monitor';
import { FeatureStore } from '../features/feature-store';
import { enrichedClaim } from './enriched-claim';

/** Turns submitted claims into enriched ones: features from the store, drift watched on the way. */
@Injectable()
export class ClaimEnricher {
  constructor(
    private readonly store: FeatureStore,
    private readonly drift: DriftMonitor,
    private readonly config: FeatureConfig,
  ) {}

  /** One enriched claim per claim, in order. */
  async enrich(claims: readonly ClaimSubmitted[]): Promise<ClaimEnriched[]> {
    const computed = await this.store.computeBatch(claims);
    const enrichedAt = Date.now();
    return computed.map(({ features, replayed }, i) => {
      // A replay's features were observed when first computed; counting them again would skew drift.
      if (!replayed) this.drift.observe(features);
      return enrichedClaim(claims[i], this.config.FEATURE_SET_VERSION, features, enrichedAt);
    });
  }
}
