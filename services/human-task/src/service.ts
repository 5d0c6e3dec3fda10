import { ServiceSpec } from '@claims-mesh/platform';
import { HumanTaskConfig } from './config';

export const SERVICE: ServiceSpec<HumanTaskConfig> = { name: 'human-task', port: 3005, redis: true, config: HumanTaskConfig };
