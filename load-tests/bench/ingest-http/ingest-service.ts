import { ENTRANCE_TOPICS, ServiceProcess, startGroupAtEnd } from '@claims-mesh/testing';
import type { KafkaAdmin } from '@claims-mesh/kafka';
import { cpuProfileEnv } from '../shared/cpu-profile';
import { metricSums } from '../shared/service-metrics';

/**
 * The built ingest service as a real process, as deployed (tracing on, Redis idempotency,
 * acks=all publishing), except for one bound: MAX_DOWNSTREAM_LAG is set out of reach. Ingest
 * sheds load (429) when its downstream group ('feature') lags too far behind on
 * claims.submitted.v1; no feature service drains this bench's claims, so that lag is the
 * topic's whole history plus the bench's own writes, and it would trip mid-run.
 */
export class IngestService {
  private service: ServiceProcess | undefined;
  readonly groupId: string;

  constructor(
    private readonly admin: KafkaAdmin,
    runId: string,
    private readonly port: number,
    private readonly profileDir?: string,
  ) {
    this.groupId = `bench.${runId}.ingest`;
  }

  static readonly OVERRIDES = { MAX_DOWNSTREAM_LAG: '1000000000' };

  async start(): Promise<void> {
    // What ingest consumes besides HTTP: its fresh group starts at the end, so it republishes nothing old.
    await startGroupAtEnd(this.groupId, ENTRANCE_TOPICS);
    this.service = ServiceProcess.start('ingest', this.port, {
      KAFKA_GROUP_ID: this.groupId,
      ...IngestService.OVERRIDES,
      ...cpuProfileEnv(this.profileDir),
    });
    await this.service.listening(60_000);
  }

  url(path: string): string {
    if (!this.service) throw new Error('ingest is not started');
    return this.service.url(path);
  }

  /** CPU seconds the ingest process used so far. */
  async cpuSeconds(): Promise<number> {
    return (
      (await metricSums(this.url('/metrics'), ['process_cpu_seconds_total'])).process_cpu_seconds_total ?? NaN
    );
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
  }
}
