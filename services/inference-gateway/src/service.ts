import { ServiceSpec } from '@claims-mesh/platform';
import { GatewayConfig } from './config';

export const SERVICE: ServiceSpec<GatewayConfig> = {
  name: 'inference-gateway',
  port: 3003,
  redis: false,
  config: GatewayConfig,
  // Partitions feed one batcher per model version concurrently; more of them in flight means fuller batches.
};
