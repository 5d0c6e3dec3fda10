import { Module } from '@nestjs/common';
import { PlatformModule, SubjectErasuresModule } from '@claims-mesh/platform';
import { ReviewDecisionsController } from './decisions/review-decisions.controller';
import { SERVICE } from './service';
import { ReviewMetrics } from './tasks/review-metrics';
import { ReviewTaskErasure } from './tasks/review-task-erasure';
import { ReviewTasksService } from './tasks/review-tasks.service';
import { TaskViews } from './tasks/task-views';
import { TaskListing } from './tasks/task-listing';
import { TaskStore } from './tasks/task-store';
import { TasksController } from './tasks/tasks.controller';
import { VerdictPublisher } from './tasks/verdict-publisher';

@Module({
  imports: [PlatformModule.forService(SERVICE), SubjectErasuresModule],
  controllers: [ReviewDecisionsController, TasksController],
  providers: [
    TaskStore,
    TaskListing,
    TaskViews,
    ReviewMetrics,
    VerdictPublisher,
    ReviewTaskErasure,
    ReviewTasksService,
  ],
})
export class HumanTaskModule {}
