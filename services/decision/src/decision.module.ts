import { Module } from '@nestjs/common';
import { PlatformModule, SubjectErasuresModule } from '@claims-mesh/platform';
import { CompletedReviewsController } from './decisions/completed-reviews.controller';
import { DecisionLedger } from './decisions/decision-ledger';
import { DecisionLedgerErasure } from './decisions/decision-ledger-erasure';
import { DecisionMaker } from './decisions/decision-maker';
import { DecisionMetrics } from './decisions/decision-metrics';
import { EvidenceDeadlineSweep } from './decisions/evidence-deadline-sweep';
import { EvidenceRequests } from './decisions/evidence-requests';
import { EvidenceController } from './decisions/evidence.controller';
import { ScoredClaimsController } from './decisions/scored-claims.controller';
import { ActiveRuleSet } from './rules/active-rule-set';
import { SERVICE } from './service';

@Module({
  imports: [PlatformModule.forService(SERVICE), SubjectErasuresModule],
  controllers: [ScoredClaimsController, CompletedReviewsController, EvidenceController],
  providers: [ActiveRuleSet, DecisionLedger, DecisionLedgerErasure, DecisionMetrics, DecisionMaker, EvidenceRequests, EvidenceDeadlineSweep],
})
export class DecisionModule {}
