import { ServiceSpec } from '@claims-mesh/platform';
import { AuditConfig } from './config';

export const SERVICE: ServiceSpec<AuditConfig> = {
  name: 'audit',
  port: 3006,
  redis: true,
  config: AuditConfig,
  // Audit reads every topic of the mesh (and the DLQs), far more partitions than any other
  // service; batches of different partitions only meet in Redis, where each write is atomic.
};
