import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ClaimEnriched, ClaimSubmitted, Topic } from '@claims-mesh/contracts';
import { BatchResult, InboundRecord, InvalidRecordError, OutboundRecord } from '@claims-mesh/kafka';
import { ClaimEnricher } from './claim-enricher';
import { enrichmentProblem } from './claim-validation';

const ENRICHED: Topic = 'claims.enriched.v1';

@Controller()
export class SubmittedClaimsController {
  constructor(private readonly enricher: ClaimEnricher) {}

  /** One partition batch: claims that cannot be enriched go to the DLQ, the others on to claims.enriched.v1. */
  @EventPattern('claims.submitted.v1' satisfies Topic, { batch: true })
  async onSubmittedClaims(records: InboundRecord<ClaimSubmitted>[]): Promise<BatchResult> {
    const accepted: InboundRecord<ClaimSubmitted>[] = [];
    const rejected: BatchResult['rejected'] = [];
    for (const record of records) {
      const problem = enrichmentProblem(record.value);
      if (problem) rejected.push({ record, error: new InvalidRecordError(problem) });
      else accepted.push(record);
    }
    const enriched = await this.enricher.enrich(accepted.map((record) => record.value));
    const outputs = enriched.map((value, i): OutboundRecord<ClaimEnriched> => ({
      topic: ENRICHED,
      key: value.claimId,
      value,
      causedBy: accepted[i],
    }));
    return { outputs, rejected };
  }
}
