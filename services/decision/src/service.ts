import { ServiceSpec } from '@claims-mesh/platform';
import { DecisionConfig } from './config';

export const SERVICE: ServiceSpec<DecisionConfig> = {
  name: 'decision',
  port: 3004,
  // The decision ledger: answers redeliveries and keeps REVIEW decisions for their final decision.
  redis: true,
  config: DecisionConfig,
  // Decisions and consumed offsets commit together: a crash and replay yields one decision, not two.
  consumer: { transactional: true },
};
