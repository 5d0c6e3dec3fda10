import './tracing';
import { bootstrapService } from '@claims-mesh/platform';
import { InferenceGatewayModule } from './inference-gateway.module';
import { SERVICE } from './service';

void bootstrapService(InferenceGatewayModule, SERVICE);
