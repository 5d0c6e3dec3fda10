import { ServiceSpec } from '@claims-mesh/platform';

export const SERVICE: ServiceSpec = { name: 'inference-gateway', port: 3003, redis: false };
