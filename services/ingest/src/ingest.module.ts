import { Module } from '@nestjs/common';
import { PlatformModule } from '@claims-mesh/platform';
import { BackpressureService } from './backpressure/backpressure.service';
import { ClaimIntakeService } from './claims/claim-intake.service';
import { ClaimsController } from './claims/claims.controller';
import { IdempotencyStore } from './claims/idempotency.store';
import { InboundJsonController } from './inbound/inbound-json.controller';
import { SERVICE } from './service';

@Module({
  imports: [PlatformModule.forService(SERVICE)],
  controllers: [ClaimsController, InboundJsonController],
  providers: [
    ClaimIntakeService,
    IdempotencyStore,
    BackpressureService,
  ],
})
export class IngestModule {}
