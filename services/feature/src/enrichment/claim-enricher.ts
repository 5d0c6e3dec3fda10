import { Injectable } from '@nestjs/common';
import type { ClaimEnriched, ClaimSubmitted } from '@claims-mesh/contracts';
import { PersonalData } from '@claims-mesh/platform';
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
    private readonly personalData: PersonalData,
  ) {}

  /** One enriched claim per claim, in order; each carries its claim as it came (sealed, when the mesh seals). */
  async enrich(claims: readonly ClaimSubmitted[]): Promise<ClaimEnriched[]> {
    const readable = await Promise.all(claims.map((claim) => this.readable(claim)));
    const computed = await this.store.computeBatch(readable);
    const enrichedAt = Date.now();
    return computed.map(({ features }, i) => enrichedClaim(claims[i], this.config.FEATURE_SET_VERSION, features, enrichedAt));
  }

  /**
   * The claim as features read it: its personal data opened, an erased subject's as empty text
   * (the claim is still scored, on what is left); the customer id as it came, since only its
   * pseudonym is used.
   */
  private async readable(claim: ClaimSubmitted): Promise<ClaimSubmitted> {
    const opened = await this.personalData.open('claims.submitted.v1', claim);
    if (opened === claim) return claim;
    return { ...opened, customerId: claim.customerId, description: opened.description ?? '', serialNumber: opened.serialNumber ?? '' };
  }
}
