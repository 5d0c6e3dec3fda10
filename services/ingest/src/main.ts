import { bootstrapService } from '@claims-mesh/platform';
import { IngestModule } from './ingest.module';
import { SERVICE } from './service';

void bootstrapService(IngestModule, SERVICE);
