import './tracing';
import { bootstrapService } from '@claims-mesh/platform';
import { DecisionModule } from './decision.module';
import { SERVICE } from './service';

void bootstrapService(DecisionModule, SERVICE);
