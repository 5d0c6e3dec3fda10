import { Injectable, Logger } from '@nestjs/common';
import type { ClaimEnriched, ClaimScored, Topic } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { fraudModelInput } from '@claims-mesh/triton';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { Routing } from '../rollout/routing';
import { Cascade } from '../scoring/cascade';
import { scoredEvent } from '../scoring/scored-event';

const SHADOW_TOPIC: Topic = 'claims.scored.shadow.v1';

/**
 * Scores a copy of each claim through the cascade of the routing's shadow version (student,
 * teacher when uncertain, the routing's band) and publishes it to the shadow topic only, so a
 * candidate is seen exactly as it would score as primary. Fire-and-forget on the shadow lane's
 * batchers with a bound on pending copies: the main path never waits for it, and a slow or
 * failing shadow sheds copies instead of memory.
 */
@Injectable()
export class ShadowScorer {
  private readonly logger = new Logger(ShadowScorer.name);
  private pending = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly cascade: Cascade,
    private readonly publisher: KafkaPublisher,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Starts scoring copies of the claims under `routing` (the one their main path uses) and returns at once. */
  offer(claims: readonly ClaimEnriched[], routing: Routing): void {
    const version = routing.shadowVersion;
    if (version === null || claims.length === 0) return;
    if (this.pending + claims.length > this.config.SHADOW_MAX_PENDING) {
      this.metrics.shadowDropped.inc(claims.length);
      return;
    }
    this.pending += claims.length;
    void this.scoreAndPublish(claims, version, routing.band)
      .catch((error: Error) => {
        this.metrics.shadowFailed.inc(claims.length);
        this.logger.warn(`shadow version ${version} failed for ${claims.length} claims: ${error.message}`);
      })
      .finally(() => (this.pending -= claims.length));
  }

  private async scoreAndPublish(claims: readonly ClaimEnriched[], version: string, band: Routing['band']): Promise<void> {
    const scores = await Promise.all(claims.map((claim) => this.cascade.score(Float32Array.from(fraudModelInput(claim)), version, band, 'shadow')));
    const scoredAt = Date.now();
    const events: ClaimScored[] = scores.map(({ escalated: _, ...score }, i) => scoredEvent(claims[i], { ...score, route: 'SHADOW' }, scoredAt));
    await this.publisher.publish(SHADOW_TOPIC, events.map((value) => ({ key: value.claimId, value })));
  }
}
