import { ServiceSpec } from '@claims-mesh/platform';
import { RolloutConfig } from './config';

export const SERVICE: ServiceSpec<RolloutConfig> = {
  name: 'rollout-controller',
  port: 3007,
  redis: false,
  config: RolloutConfig,
  // At least once: the outcomes only feed evidence in memory, and a redelivered one changes no verdict
  // (each claim is kept once, by its id). From the latest records: evidence is about the stage in
  // flight, never the topics' history (which a new group would otherwise read, and dead-letter
  // what of it no longer decodes, before reaching the present).
  consumer: { transactional: false, startAt: 'latest' },
};
