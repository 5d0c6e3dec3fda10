import { Controller, Get, Global, Header, Module, Res } from '@nestjs/common';
import type { Response } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Public } from '../auth/api-key.guard';
import { SERVICE_NAME } from '../service-name';

// Scraped by Prometheus inside the deployment network; series carry labels, never claim data.
@Public()
@Controller('metrics')
class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    res.type(this.registry.contentType).send(await this.registry.metrics());
  }
}

/**
 * One Prometheus registry per service, injectable as `Registry`, with the Node process
 * metrics and a `service` label on every series. Served at GET /metrics.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      inject: [SERVICE_NAME],
      useFactory: (service: string) => {
        const registry = new Registry();
        registry.setDefaultLabels({ service });
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
  ],
  exports: [Registry],
})
export class MetricsModule {}
