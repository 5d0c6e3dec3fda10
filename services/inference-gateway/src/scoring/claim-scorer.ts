import { Injectable } from '@nestjs/common';
import type { ClaimEnriched, ClaimScored } from '@claims-mesh/contracts';
import { Batchers } from '../batching/batchers';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { inCanary } from './canary-split';
import { featureRow } from './feature-row';
import { confidenceOf, scoredEvent, type Score } from './scored-event';

/**
 * The cascade: the student scores every claim; a claim whose student probability falls in
 * the uncertain band is scored again by the teacher, whose score is then final. Claims in
 * the canary share go through the same cascade on the canary version.
 */
@Injectable()
export class ClaimScorer {
  constructor(
    private readonly config: GatewayConfig,
    private readonly batchers: Batchers,
    private readonly metrics: GatewayMetrics,
  ) {}

  isUncertain(probability: number): boolean {
    return probability >= this.config.UNCERTAIN_LOW && probability <= this.config.UNCERTAIN_HIGH;
  }

  /** One ClaimScored per claim, in order; rejects if any claim cannot be scored (the batch is retried). */
  async score(claims: readonly ClaimEnriched[]): Promise<ClaimScored[]> {
    const scores = await Promise.all(claims.map((claim) => this.scoreOne(claim)));
    const scoredAt = Date.now();
    return scores.map((score, i) => {
      this.metrics.routeCalls.inc({ route: score.route });
      this.metrics.confidence.observe({ model: score.model.name, version: score.model.version }, confidenceOf(score.fraudProbability));
      return scoredEvent(claims[i], score, scoredAt);
    });
  }

  private async scoreOne(claim: ClaimEnriched): Promise<Score> {
    const canary = inCanary(claim.claimId, this.config.CANARY_WEIGHT);
    const version = canary ? this.config.CANARY_VERSION : this.config.MODEL_VERSION;
    const row = featureRow(claim);
    const student = await this.batchers.of(this.config.STUDENT_MODEL, version).score(row);
    if (!this.isUncertain(student.value)) {
      return {
        model: { name: this.config.STUDENT_MODEL, version },
        route: canary ? 'CANARY' : 'STUDENT',
        shard: student.shard,
        fraudProbability: student.value,
        studentProbability: null,
        batchSize: student.batchSize,
        tritonLatencyMs: student.tritonLatencyMs,
      };
    }
    const teacher = await this.batchers.of(this.config.TEACHER_MODEL, version).score(row);
    return {
      model: { name: this.config.TEACHER_MODEL, version },
      route: canary ? 'CANARY' : 'TEACHER',
      shard: teacher.shard,
      fraudProbability: teacher.value,
      studentProbability: student.value,
      batchSize: teacher.batchSize,
      tritonLatencyMs: teacher.tritonLatencyMs,
    };
  }
}
