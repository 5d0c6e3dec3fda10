import { ServiceSpec } from '@claims-mesh/platform';

export const SERVICE: ServiceSpec = { name: 'ingest', port: 3001, redis: true };
