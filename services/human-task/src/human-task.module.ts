import { Module } from '@nestjs/common';
import { AvroSerde } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { PlatformModule } from '@claims-mesh/platform';
import { Kafka } from 'kafkajs';
import { ReviewDecisionsController } from './decisions/review-decisions.controller';
import { SERVICE } from './service';
import { ReviewMetrics } from './tasks/review-metrics';
import { ReviewTasksService } from './tasks/review-tasks.service';
import { TaskListing } from './tasks/task-listing';
import { TaskStore } from './tasks/task-store';
import { TasksController } from './tasks/tasks.controller';
import { VerdictPublisher } from './tasks/verdict-publisher';

@Module({
  imports: [PlatformModule.forService(SERVICE)],
  controllers: [ReviewDecisionsController, TasksController],
  providers: [
    { provide: KafkaPublisher, inject: [Kafka, AvroSerde], useFactory: (kafka: Kafka, serde: AvroSerde) => new KafkaPublisher(kafka, serde) },
    TaskStore,
    TaskListing,
    ReviewMetrics,
    VerdictPublisher,
    ReviewTasksService,
  ],
})
export class HumanTaskModule {}
