import './tracing';
import { bootstrapService } from '@claims-mesh/platform';
import { RolloutControllerModule } from './rollout-controller.module';
import { SERVICE } from './service';

void bootstrapService(RolloutControllerModule, SERVICE);
