import { ServiceSpec } from '@claims-mesh/platform';

export const SERVICE: ServiceSpec = { name: 'feature', port: 3002, redis: true };
