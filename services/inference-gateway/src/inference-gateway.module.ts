import { Module } from '@nestjs/common';
import { PlatformModule } from '@claims-mesh/platform';
import { Batchers } from './batching/batchers';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { RoutingProvider } from './rollout/routing-provider';
import { Cascade } from './scoring/cascade';
import { ClaimScorer } from './scoring/claim-scorer';
import { EnrichedClaimsController } from './scoring/enriched-claims.controller';
import { SERVICE } from './service';
import { ShadowScorer } from './shadow/shadow-scorer';
import { TritonReadiness } from './triton/triton-readiness';
import { TritonShards } from './triton/triton-shards';

@Module({
  imports: [PlatformModule.forService(SERVICE)],
  controllers: [EnrichedClaimsController],
  providers: [
    GatewayMetrics,
    TritonShards,
    TritonReadiness,
    Batchers,
    RoutingProvider,
    Cascade,
    ClaimScorer,
    ShadowScorer,
  ],
})
export class InferenceGatewayModule {}
