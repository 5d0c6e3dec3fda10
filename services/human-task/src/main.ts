import './tracing';
import { bootstrapService, serveApiDocs } from '@claims-mesh/platform';
import { HumanTaskModule } from './human-task.module';
import { SERVICE } from './service';
import { serveReviewerPage } from './web/reviewer-page';

void bootstrapService(HumanTaskModule, SERVICE, (app) => {
  serveApiDocs(app, {
    title: 'Claims mesh review API (human-task)',
    description: 'The review queue: REVIEW decisions become tasks that reviewers list, claim under a lease and complete with a verdict (reviews.completed.v1).',
  });
  serveReviewerPage(app);
});
