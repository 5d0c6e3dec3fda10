import { Module } from '@nestjs/common';
import { PlatformModule } from '@claims-mesh/platform';
import { SERVICE } from './service';

@Module({ imports: [PlatformModule.forService(SERVICE)] })
export class DecisionModule {}
