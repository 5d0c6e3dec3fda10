import './tracing';
import { bootstrapService } from '@claims-mesh/platform';
import { AuditModule } from './audit.module';
import { SERVICE } from './service';

void bootstrapService(AuditModule, SERVICE);
