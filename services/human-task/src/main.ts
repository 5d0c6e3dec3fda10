import { bootstrapService } from '@claims-mesh/platform';
import { HumanTaskModule } from './human-task.module';
import { SERVICE } from './service';

void bootstrapService(HumanTaskModule, SERVICE);
