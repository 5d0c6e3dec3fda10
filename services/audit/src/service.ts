import { ServiceSpec } from '@claims-mesh/platform';

export const SERVICE: ServiceSpec = { name: 'audit', port: 3006, redis: true };
