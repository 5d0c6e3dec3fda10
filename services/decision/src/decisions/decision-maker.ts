import { Injectable } from '@nestjs/common';
import type { ClaimDecided, ClaimScored, ReviewCompleted, Topic } from '@claims-mesh/contracts';
import { BatchResult, InboundRecord, InvalidRecordError, OutboundRecord } from '@claims-mesh/kafka';
import { ActiveRuleSet } from '../rules/active-rule-set';
import { automaticDecision } from './automatic-decision';
import { DecisionLedger, LedgerEntry } from './decision-ledger';
import { DecisionMetrics } from './decision-metrics';
import { reviewProblem, scoredClaimProblem } from './input-validation';
import { positionOf } from './record-position';
import { reviewedDecision } from './reviewed-decision';

const DECIDED: Topic = 'claims.decided.v1';

/** Turns scored claims and completed reviews into decisions, each recorded once in the ledger. */
@Injectable()
export class DecisionMaker {
  constructor(
    private readonly rules: ActiveRuleSet,
    private readonly ledger: DecisionLedger,
    private readonly metrics: DecisionMetrics,
  ) {}

  /** The rules' decision on each scored claim of a partition batch; claims they cannot judge go to the DLQ. */
  async decideScored(records: InboundRecord<ClaimScored>[]): Promise<BatchResult> {
    const accepted: InboundRecord<ClaimScored>[] = [];
    const rejected: BatchResult['rejected'] = [];
    for (const record of records) {
      const problem = scoredClaimProblem(record.value);
      if (problem) rejected.push({ record, error: new InvalidRecordError(problem) });
      else accepted.push(record);
    }
    const decidedAt = Date.now();
    const entries = accepted.map((record): LedgerEntry => ({
      decision: automaticDecision(
        record.value,
        this.rules.version,
        this.rules.decide(record.value),
        decidedAt,
      ),
      madeFrom: positionOf(record),
    }));
    return { outputs: await this.publishable(entries, accepted), rejected };
  }

  /** The final decision a reviewer's verdict makes; a verdict on an unknown task goes to the DLQ. */
  async decideReviewed(record: InboundRecord<ReviewCompleted>): Promise<OutboundRecord[]> {
    const review = record.value;
    const inReview = await this.ledger.find(review.actionId);
    const problem = reviewProblem(review, inReview);
    if (problem || !inReview) throw new InvalidRecordError(problem);
    const entry = { decision: reviewedDecision(inReview, review, Date.now()), madeFrom: positionOf(record) };
    return this.publishable([entry], [record]);
  }

  private async publishable(
    entries: LedgerEntry[],
    inputs: InboundRecord[],
  ): Promise<OutboundRecord<ClaimDecided>[]> {
    const recorded = await this.ledger.record(entries);
    const outputs: OutboundRecord<ClaimDecided>[] = [];
    recorded.forEach(({ decision, isNew, publish }, i) => {
      if (isNew) this.metrics.decided(decision);
      if (publish)
        outputs.push({ topic: DECIDED, key: decision.claimId, value: decision, causedBy: inputs[i] });
    });
    return outputs;
  }
}
