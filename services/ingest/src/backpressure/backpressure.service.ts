import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { GroupLagReader, KafkaConnectionOptions, KafkaPublisher } from '@claims-mesh/kafka';
import { KAFKA_CONNECTION } from '@claims-mesh/platform';
import { Counter, Gauge, Registry } from 'prom-client';
import { IngestConfig } from '../config';

export const WATCHED_TOPIC = 'claims.submitted.v1';

export interface ShedVerdict {
  reason: 'producer_buffer' | 'downstream_lag';
  detail: string;
}

/**
 * Decides whether ingest must shed load: when records wait too long for the brokers
 * (producer buffer) or the downstream consumer group falls too far behind (lag), new work
 * is refused with 429 instead of queueing in memory. Lag is polled in the background so
 * the per-request check costs nothing.
 */
@Injectable()
export class BackpressureService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackpressureService.name);
  private lagReader: GroupLagReader | undefined;
  private timer: NodeJS.Timeout | undefined;
  private downstreamLag = 0;
  private readonly lagGauge: Gauge;
  private readonly shed: Counter<'reason'>;

  constructor(
    @Inject(KAFKA_CONNECTION) private readonly connection: KafkaConnectionOptions,
    private readonly publisher: KafkaPublisher,
    private readonly config: IngestConfig,
    registry: Registry,
  ) {
    this.lagGauge = new Gauge({
      name: 'ingest_downstream_lag',
      help: `Lag of the watched consumer group on ${WATCHED_TOPIC}.`,
      registers: [registry],
    });
    this.shed = new Counter({
      name: 'ingest_shed_requests_total',
      help: 'Requests answered 429 because of backpressure, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pollLag(), this.config.LAG_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.lagReader?.close();
  }

  /** Why the next request must be refused, or undefined when there is room. */
  verdict(incomingRecords: number): ShedVerdict | undefined {
    let verdict: ShedVerdict | undefined;
    const pending = this.publisher.pendingRecords;
    if (pending + incomingRecords > this.config.MAX_PENDING_RECORDS) {
      verdict = { reason: 'producer_buffer', detail: `${pending} records are waiting for Kafka` };
    } else if (this.downstreamLag > this.config.MAX_DOWNSTREAM_LAG) {
      verdict = { reason: 'downstream_lag', detail: `${this.config.DOWNSTREAM_GROUP} is ${this.downstreamLag} records behind` };
    }
    if (verdict) this.shed.inc({ reason: verdict.reason });
    return verdict;
  }

  /** The downstream group's lag summed over the watched topic's partitions. */
  private async pollLag(): Promise<void> {
    try {
      this.lagReader ??= await GroupLagReader.open(this.connection, this.config.DOWNSTREAM_GROUP);
      const lags = await this.lagReader.lag([WATCHED_TOPIC]);
      this.downstreamLag = lags.reduce((sum, p) => sum + p.lag, 0);
      this.lagGauge.set(this.downstreamLag);
    } catch (error) {
      // Unknown lag never sheds load; readiness reports a broker outage.
      this.logger.debug(`lag poll failed: ${(error as Error).message}`);
    }
  }
}
