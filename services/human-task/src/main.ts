import './tracing';
import { bootstrapService } from '@claims-mesh/platform';
import { HumanTaskModule } from './human-task.module';
import { SERVICE } from './service';
import { serveReviewerPage } from './web/reviewer-page';

void bootstrapService(HumanTaskModule, SERVICE, serveReviewerPage);
