import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ClaimEnriched, ClaimScored, Topic } from '@claims-mesh/contracts';
import { BatchResult, InboundRecord, OutboundRecord } from '@claims-mesh/kafka';
import { ShadowScorer } from '../shadow/shadow-scorer';
import { ClaimScorer } from './claim-scorer';

const SCORED: Topic = 'claims.scored.v1';

@Controller()
export class EnrichedClaimsController {
  constructor(
    private readonly scorer: ClaimScorer,
    private readonly shadow: ShadowScorer,
  ) {}

  /**
   * One partition batch. Its claims join the batchers together with the other partitions'; if
   * Triton cannot score them on any shard the error is transient and the transport retries.
   */
  @EventPattern('claims.enriched.v1' satisfies Topic, { batch: true })
  async onEnrichedClaims(records: InboundRecord<ClaimEnriched>[]): Promise<BatchResult> {
    const claims = records.map((record) => record.value);
    this.shadow.offer(claims);
    const scored = await this.scorer.score(claims);
    const outputs = scored.map((value, i): OutboundRecord<ClaimScored> => ({
      topic: SCORED,
      key: value.claimId,
      value,
      causedBy: records[i],
    }));
    return { outputs };
  }
}
