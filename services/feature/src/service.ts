import { ServiceSpec } from '@claims-mesh/platform';
import { FeatureConfig } from './config';

export const SERVICE: ServiceSpec<FeatureConfig> = {
  name: 'feature',
  port: 3002,
  redis: true,
  config: FeatureConfig,
  // Enriched records and consumed offsets commit together: a crash between them cannot
  // publish a claim twice (the Redis side absorbs the replay by eventId).
  consumer: { transactional: true },
};
