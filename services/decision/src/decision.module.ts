import { Module } from '@nestjs/common';
import { PlatformModule } from '@claims-mesh/platform';
import { CompletedReviewsController } from './decisions/completed-reviews.controller';
import { DecisionLedger } from './decisions/decision-ledger';
import { DecisionMaker } from './decisions/decision-maker';
import { DecisionMetrics } from './decisions/decision-metrics';
import { ScoredClaimsController } from './decisions/scored-claims.controller';
import { ActiveRuleSet } from './rules/active-rule-set';
import { SERVICE } from './service';

@Module({
  imports: [PlatformModule.forService(SERVICE)],
  controllers: [ScoredClaimsController, CompletedReviewsController],
  providers: [ActiveRuleSet, DecisionLedger, DecisionMetrics, DecisionMaker],
})
export class DecisionModule {}
