import { Module } from '@nestjs/common';
import { PlatformModule } from '@claims-mesh/platform';
import { OutcomesController } from './evidence/outcomes.controller';
import { ControllerMetrics } from './metrics/controller-metrics';
import { RolloutController } from './rollout/rollout-controller';
import { SERVICE } from './service';

@Module({
  imports: [PlatformModule.forService(SERVICE)],
  controllers: [OutcomesController],
  providers: [ControllerMetrics, RolloutController],
})
export class RolloutControllerModule {}
