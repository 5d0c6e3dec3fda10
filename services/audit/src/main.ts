import './tracing';
import { bootstrapService, serveApiDocs } from '@claims-mesh/platform';
import { AuditModule } from './audit.module';
import { AuditConfig } from './config';
import { SERVICE } from './service';

void bootstrapService(AuditModule, SERVICE, (app) =>
  serveApiDocs(app, {
    title: 'Claims mesh audit API',
    description: 'Every claim\'s lineage across the mesh, the finally decided claims, and erasure of a customer\'s personal data.',
    patch: (document) => {
      // The page bounds are config, the same values the controller gives parseClaimsQuery.
      const config = app.get(AuditConfig);
      const limit = document.paths['/v1/claims']?.get?.parameters?.find((p) => 'name' in p && p.name === 'limit') as { schema: { maximum?: number; default?: number } };
      limit.schema.maximum = config.MAX_PAGE_SIZE;
      limit.schema.default = config.DEFAULT_PAGE_SIZE;
    },
  }),
);
