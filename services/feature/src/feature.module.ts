import { Module } from '@nestjs/common';
import { PlatformModule } from '@claims-mesh/platform';
import { ClaimEnricher } from './enrichment/claim-enricher';
import { SubmittedClaimsController } from './enrichment/submitted-claims.controller';
import { FeatureStore } from './features/feature-store';
import { SERVICE } from './service';

@Module({
  imports: [PlatformModule.forService(SERVICE)],
  controllers: [SubmittedClaimsController],
  providers: [FeatureStore, ClaimEnricher],
})
export class FeatureModule {}
