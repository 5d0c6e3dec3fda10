import { Module } from '@nestjs/common';
import { PlatformModule } from '@claims-mesh/platform';
import { ReviewDecisionsController } from './decisions/review-decisions.controller';
import { SERVICE } from './service';
import { ReviewMetrics } from './tasks/review-metrics';
import { ReviewTasksService } from './tasks/review-tasks.service';
import { TaskViews } from './tasks/task-views';
import { TaskListing } from './tasks/task-listing';
import { TaskStore } from './tasks/task-store';
import { TasksController } from './tasks/tasks.controller';
import { VerdictPublisher } from './tasks/verdict-publisher';

@Module({
  imports: [PlatformModule.forService(SERVICE)],
  controllers: [ReviewDecisionsController, TasksController],
  providers: [
    TaskStore,
    TaskListing,
    TaskViews,
    ReviewMetrics,
    VerdictPublisher,
    ReviewTasksService,
  ],
})
export class HumanTaskModule {}
