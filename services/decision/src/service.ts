import { ServiceSpec } from '@claims-mesh/platform';

export const SERVICE: ServiceSpec = { name: 'decision', port: 3004, redis: false };
