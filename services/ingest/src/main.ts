import './tracing';
import { bootstrapService, serveApiDocs } from '@claims-mesh/platform';
import { INGEST_API_VERSION } from './api-version';
import { IngestConfig } from './config';
import { IngestModule } from './ingest.module';
import { SERVICE } from './service';

void bootstrapService(IngestModule, SERVICE, (app) =>
  serveApiDocs(app, {
    title: 'Claims mesh ingest API',
    version: INGEST_API_VERSION,
    description: 'Submit warranty and insurance claims; each is written to Kafka (claims.submitted.v1) before the 202.',
    patch: (document) => {
      // The batch bound is config (MAX_BATCH_SIZE), checked by validateClaimBatch.
      const batch = document.components?.schemas?.ClaimBatchRequestDto as { properties: { claims: { maxItems?: number } } };
      batch.properties.claims.maxItems = app.get(IngestConfig).MAX_BATCH_SIZE;
    },
  }),
);
