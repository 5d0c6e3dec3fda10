import { Injectable } from '@nestjs/common';
import type { ClaimDecided, ClaimEvidence, ClaimScored, ClaimSubmitted, ReviewCompleted, Topic } from '@claims-mesh/contracts';
import { BatchResult, InboundRecord, InvalidRecordError, OutboundRecord } from '@claims-mesh/kafka';
import { PersonalData } from '@claims-mesh/platform';
import { DecisionConfig } from '../config';
import { ActiveRuleSet } from '../rules/active-rule-set';
import { automaticDecision } from './automatic-decision';
import { DecisionLedger, LedgerEntry } from './decision-ledger';
import { DecisionMetrics } from './decision-metrics';
import { revisedClaim } from './evidence-decisions';
import { EvidenceRequests } from './evidence-requests';
import { reviewProblem, scoredClaimProblem } from './input-validation';
import { positionOf } from './record-position';
import { reviewedDecision } from './reviewed-decision';

const DECIDED: Topic = 'claims.decided.v1';
const SUBMITTED: Topic = 'claims.submitted.v1';

/** Turns scored claims and completed reviews into decisions, each recorded once in the ledger. */
@Injectable()
export class DecisionMaker {
  constructor(
    private readonly rules: ActiveRuleSet,
    private readonly ledger: DecisionLedger,
    private readonly metrics: DecisionMetrics,
    private readonly evidenceRequests: EvidenceRequests,
    private readonly config: DecisionConfig,
    private readonly personalData: PersonalData,
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
        this.config.EVIDENCE_DEADLINE_SECONDS * 1000,
      ),
      madeFrom: positionOf(record),
    }));
    const outputs = await this.publishable(entries, accepted);
    // A REQUEST_INFO waits for evidence: its request opens with the decision (once, however often it is published).
    await this.evidenceRequests.open(outputs.map((output) => output.value));
    return { outputs, rejected };
  }

  /**
   * The claim's next round, from the evidence that answers its open request: the claim with the
   * evidence merged in, as its next revision, to claims.submitted.v1 (in the consumer's
   * transaction). Evidence for a claim with no open request goes to the DLQ.
   */
  async reviseWithEvidence(record: InboundRecord<ClaimEvidence>): Promise<OutboundRecord<ClaimSubmitted>[]> {
    const evidence = record.value;
    if (record.key !== null && record.key !== evidence.claimId)
      throw new InvalidRecordError(`evidence for claim ${evidence.claimId} keyed by another claim`);
    const answer = await this.evidenceRequests.answer(evidence.claimId, evidence.eventId);
    if (!answer.accepted)
      throw new InvalidRecordError(`claim ${evidence.claimId} waits for no evidence (request: ${answer.reason})`);
    const request = await this.ledger.find(answer.actionId);
    if (!request) throw new InvalidRecordError(`the REQUEST_INFO decision of claim ${evidence.claimId} is no longer known`);
    const claim = await this.mergeReadable(request, evidence);
    return [{ topic: SUBMITTED, key: claim.claimId, value: claim, causedBy: record }];
  }

  /**
   * The next round merged from the claim's and the evidence's personal data opened (text cannot
   * be appended to sealed text); the serde seals the result again under the same subject. When
   * the customer was erased meanwhile, the round keeps the sealed, unreadable values and takes
   * only the evidence's media count.
   */
  private async mergeReadable(request: ClaimDecided, evidence: ClaimEvidence): Promise<ClaimSubmitted> {
    const readable = await this.personalData.open('claims.decided.v1', request);
    if (readable === request) return revisedClaim(request, evidence);
    if (readable.claim.customerId === null) return revisedClaim(request, { ...evidence, description: null, serialNumber: null });
    return revisedClaim(readable, await this.personalData.open('claims.evidence.v1', evidence));
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
