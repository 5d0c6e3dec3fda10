import { Injectable } from '@nestjs/common';
import type { ClaimEnriched, ClaimScored } from '@claims-mesh/contracts';
import { fraudModelInput } from '@claims-mesh/triton';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { versionFor, type Routing } from '../rollout/routing';
import { Cascade } from './cascade';
import { confidenceOf, scoredEvent, type Score } from './scored-event';

/**
 * Scores the main path: each claim goes through the cascade of its version under the routing
 * it is given, the canary's version for the canary share (route CANARY), the primary's for the
 * others (route STUDENT or TEACHER).
 */
@Injectable()
export class ClaimScorer {
  constructor(
    private readonly cascade: Cascade,
    private readonly metrics: GatewayMetrics,
  ) {}

  /**
   * One ClaimScored per claim, in order, every one under `routing` (the caller takes it once, so
   * a routing applied meanwhile never splits a claim); rejects if any claim cannot be scored (the batch is retried).
   */
  async score(claims: readonly ClaimEnriched[], routing: Routing): Promise<ClaimScored[]> {
    const scores = await Promise.all(claims.map((claim) => this.scoreOne(claim, routing)));
    const scoredAt = Date.now();
    return scores.map((score, i) => {
      this.metrics.routeCalls.inc({ route: score.route });
      this.metrics.confidence.observe({ model: score.model.name, version: score.model.version }, confidenceOf(score.fraudProbability));
      return scoredEvent(claims[i], score, scoredAt);
    });
  }

  private async scoreOne(claim: ClaimEnriched, routing: Routing): Promise<Score> {
    const { version, canary } = versionFor(routing, claim.claimId);
    const { escalated, ...score } = await this.cascade.score(Float32Array.from(fraudModelInput(claim)), version, routing.band);
    return { ...score, route: canary ? 'CANARY' : escalated ? 'TEACHER' : 'STUDENT' };
  }
}
