import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ClaimDecided, Topic } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { DecisionConfig } from '../config';
import { DecisionLedger } from './decision-ledger';
import { DecisionMetrics } from './decision-metrics';
import { lapsedDecision } from './evidence-decisions';
import { EvidenceRequests } from './evidence-requests';

const DECIDED: Topic = 'claims.decided.v1';

/**
 * Closes the claims whose evidence did not come in time: every EVIDENCE_SWEEP_INTERVAL_MS it
 * lapses each request whose deadline passed and publishes its final decision (REJECT,
 * EVIDENCE_NOT_RECEIVED) with acks=all, then forgets the deadline. The decision derives from
 * the REQUEST_INFO alone (ids and decidedAt), so a sweep interrupted between the two, here or
 * on another instance, publishes the identical record again and consumers absorb it by eventId.
 */
@Injectable()
export class EvidenceDeadlineSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EvidenceDeadlineSweep.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly requests: EvidenceRequests,
    private readonly ledger: DecisionLedger,
    private readonly publisher: KafkaPublisher,
    private readonly metrics: DecisionMetrics,
    private readonly config: DecisionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`evidence deadline sweep failed, retried next interval: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, this.config.EVIDENCE_SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: every claim whose deadline passed by now. */
  async sweep(now = Date.now()): Promise<ClaimDecided[]> {
    const published: ClaimDecided[] = [];
    for (const claimId of await this.requests.due(now)) {
      const actionId = await this.requests.lapse(claimId, now);
      if (!actionId) continue;
      const request = await this.ledger.find(actionId);
      if (!request) {
        this.logger.warn(`evidence request of claim ${claimId} lapsed but its REQUEST_INFO is no longer in the ledger`);
        await this.requests.closed(claimId);
        continue;
      }
      const decision = lapsedDecision(request);
      await this.publisher.publish(DECIDED, [{ key: decision.claimId, value: decision }]);
      await this.requests.closed(claimId);
      this.metrics.decided(decision);
      published.push(decision);
    }
    return published;
  }
}
