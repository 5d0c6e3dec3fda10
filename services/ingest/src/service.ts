import { ServiceSpec } from '@claims-mesh/platform';
import { IngestConfig } from './config';

export const SERVICE: ServiceSpec<IngestConfig> = { name: 'ingest', port: 3001, redis: true, config: IngestConfig };
