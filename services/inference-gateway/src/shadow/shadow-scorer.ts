import { Injectable, Logger } from '@nestjs/common';
import type { ClaimEnriched, ClaimScored, Topic } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { Batchers } from '../batching/batchers';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { featureRow } from '../scoring/feature-row';
import { scoredEvent } from '../scoring/scored-event';

const SHADOW_TOPIC: Topic = 'claims.scored.shadow.v1';

/**
 * Scores a copy of each claim with the shadow model and publishes it to the shadow topic only.
 * Fire-and-forget with its own batchers and a bound on pending copies: the main path never
 * waits for it, and a slow or failing shadow sheds copies instead of memory.
 */
@Injectable()
export class ShadowScorer {
  private readonly logger = new Logger(ShadowScorer.name);
  private readonly model: { name: string; version: string } | undefined;
  private pending = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly batchers: Batchers,
    private readonly publisher: KafkaPublisher,
    private readonly metrics: GatewayMetrics,
  ) {
    const [name, version] = config.SHADOW_MODEL.split(':');
    this.model = config.SHADOW_MODEL ? { name, version } : undefined;
  }

  /** Starts scoring copies of the claims and returns at once. */
  offer(claims: readonly ClaimEnriched[]): void {
    if (!this.model || claims.length === 0) return;
    if (this.pending + claims.length > this.config.SHADOW_MAX_PENDING) {
      this.metrics.shadowDropped.inc(claims.length);
      return;
    }
    this.pending += claims.length;
    void this.scoreAndPublish(this.model, claims)
      .catch((error: Error) => {
        this.metrics.shadowFailed.inc(claims.length);
        this.logger.warn(`shadow ${this.config.SHADOW_MODEL} failed for ${claims.length} claims: ${error.message}`);
      })
      .finally(() => (this.pending -= claims.length));
  }

  private async scoreAndPublish(model: { name: string; version: string }, claims: readonly ClaimEnriched[]): Promise<void> {
    const batcher = this.batchers.of(model.name, model.version, 'shadow');
    const scores = await batcher.scoreAll(claims.map(featureRow));
    const scoredAt = Date.now();
    const events: ClaimScored[] = scores.map((score, i) =>
      scoredEvent(
        claims[i],
        {
          model,
          route: 'SHADOW',
          shard: score.shard,
          fraudProbability: score.value,
          studentProbability: null,
          batchSize: score.batchSize,
          tritonLatencyMs: score.tritonLatencyMs,
        },
        scoredAt,
      ),
    );
    await this.publisher.publish(SHADOW_TOPIC, events.map((value) => ({ key: value.claimId, value })));
  }
}
