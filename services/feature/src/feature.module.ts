import { Module } from '@nestjs/common';
import { PlatformModule, SubjectErasuresModule } from '@claims-mesh/platform';
import { ClaimEnricher } from './enrichment/claim-enricher';
import { SubmittedClaimsController } from './enrichment/submitted-claims.controller';
import { FeatureHistoryErasure } from './features/feature-history-erasure';
import { FeatureStore } from './features/feature-store';
import { SERVICE } from './service';

@Module({
  imports: [PlatformModule.forService(SERVICE), SubjectErasuresModule],
  controllers: [SubmittedClaimsController],
  providers: [FeatureHistoryErasure, FeatureStore, ClaimEnricher],
})
export class FeatureModule {}
