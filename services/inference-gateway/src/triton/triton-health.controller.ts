import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { TritonShards } from './triton-shards';

/**
 * Whether Triton can serve: 200 while at least one shard answers ServerReady, else 503.
 * /health/ready belongs to the platform and checks Kafka only; this is the gateway's part.
 */
@Controller('health')
export class TritonHealthController {
  constructor(private readonly shards: TritonShards) {}

  @Get('triton')
  async triton(): Promise<{ status: 'ok'; ready: string[]; ejected: string[] }> {
    const ready = await this.shards.readyShards();
    const ejected = this.shards.router.shards.filter((s) => !s.breaker.isClosed).map((s) => s.address);
    if (ready.length === 0) throw new ServiceUnavailableException({ error: 'triton_unavailable', message: 'no Triton shard is ready' });
    return { status: 'ok', ready, ejected };
  }
}
