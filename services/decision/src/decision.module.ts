import { Module } from '@nestjs/common';
import { PlatformModule } from '@claims-mesh/platform';
import { CompletedReviewsController } from './decisions/completed-reviews.controller';
import { DecisionLedger } from './decisions/decision-ledger';
import { DecisionMaker } from './decisions/decision-maker';
import { DecisionMetrics } from './decisions/decision-metrics';
import { EvidenceDeadlineSweep } from './decisions/evidence-deadline-sweep';
import { EvidenceRequests } from './decisions/evidence-requests';
import { EvidenceController } from './decisions/evidence.controller';
import { ScoredClaimsController } from './decisions/scored-claims.controller';
import { ActiveRuleSet } from './rules/active-rule-set';
import { SERVICE } from './service';

@Module({
  imports: [PlatformModule.forService(SERVICE)],
  controllers: [ScoredClaimsController, CompletedReviewsController, EvidenceController],
  providers: [ActiveRuleSet, DecisionLedger, DecisionMetrics, DecisionMaker, EvidenceRequests, EvidenceDeadlineSweep],
})
export class DecisionModule {}
