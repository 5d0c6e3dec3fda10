import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ClaimEnriched, ClaimScored, Topic } from '@claims-mesh/contracts';
import { BatchResult, InboundRecord, OutboundRecord } from '@claims-mesh/kafka';
import { RoutingProvider } from '../rollout/routing-provider';
import { ShadowScorer } from '../shadow/shadow-scorer';
import { ClaimScorer } from './claim-scorer';

const SCORED: Topic = 'claims.scored.v1';

@Controller()
export class EnrichedClaimsController {
  constructor(
    private readonly routing: RoutingProvider,
    private readonly scorer: ClaimScorer,
    private readonly shadow: ShadowScorer,
  ) {}

  /**
   * One partition batch. Its claims join the batchers together with the other partitions'; if
   * Triton cannot score them on any shard the error is transient and the transport retries.
   * The routing is taken once here (after the start-up read of the rollout topic): the batch's
   * claims, main path and shadow, all use it, whatever rollout record arrives while they are scored.
   */
  @EventPattern('claims.enriched.v1' satisfies Topic, { batch: true })
  async onEnrichedClaims(records: InboundRecord<ClaimEnriched>[]): Promise<BatchResult> {
    const claims = records.map((record) => record.value);
    const routing = await this.routing.forBatch();
    this.shadow.offer(claims, routing);
    const scored = await this.scorer.score(claims, routing);
    const outputs = scored.map((value, i): OutboundRecord<ClaimScored> => ({
      topic: SCORED,
      key: value.claimId,
      value,
      causedBy: records[i],
    }));
    return { outputs };
  }
}
