import { Module } from '@nestjs/common';
import { PlatformModule, SubjectErasuresModule } from '@claims-mesh/platform';
import { IngestRecordsErasure } from './erasure/ingest-records-erasure';
import { BackpressureService } from './backpressure/backpressure.service';
import { ClaimIntakeService } from './claims/claim-intake.service';
import { ClaimsController } from './claims/claims.controller';
import { IdempotencyStore } from './claims/idempotency.store';
import { EvidenceController } from './evidence/evidence.controller';
import { InboundAvroController } from './inbound/inbound-avro.controller';
import { InboundJsonController } from './inbound/inbound-json.controller';
import { SERVICE } from './service';
import { ClaimEventsHandler } from './status/claim-events.handler';
import { ClaimStatusController } from './status/claim-status.controller';
import { StatusConsumer } from './status/status-consumer';
import { StatusStore } from './status/status.store';
import { WebhookDelivery } from './webhooks/webhook-delivery.service';
import { WebhookDeadLetters } from './webhooks/webhook-dlq.publisher';
import { WebhookOutbox } from './webhooks/webhook-outbox';
import { WebhookRegistry } from './webhooks/webhook-registry';

@Module({
  imports: [PlatformModule.forService(SERVICE), SubjectErasuresModule],
  controllers: [ClaimsController, InboundJsonController, InboundAvroController, ClaimStatusController, EvidenceController],
  providers: [
    IngestRecordsErasure,
    ClaimIntakeService,
    IdempotencyStore,
    BackpressureService,
    StatusStore,
    ClaimEventsHandler,
    StatusConsumer,
    WebhookRegistry,
    WebhookOutbox,
    WebhookDeadLetters,
    WebhookDelivery,
  ],
})
export class IngestModule {}
