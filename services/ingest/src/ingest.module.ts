import { Module } from '@nestjs/common';
import { AvroSerde } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { PlatformModule } from '@claims-mesh/platform';
import { Kafka } from 'kafkajs';
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
    { provide: KafkaPublisher, inject: [Kafka, AvroSerde], useFactory: (kafka: Kafka, serde: AvroSerde) => new KafkaPublisher(kafka, serde) },
    ClaimIntakeService,
    IdempotencyStore,
    BackpressureService,
  ],
})
export class IngestModule {}
