import './tracing';
import { bootstrapService } from '@claims-mesh/platform';
import { FeatureModule } from './feature.module';
import { SERVICE } from './service';

void bootstrapService(FeatureModule, SERVICE);
