import { Topic } from '@claims-mesh/contracts';
import { featureStoreKeys, ServiceProcess, startGroupAtEnd } from '@claims-mesh/testing';
import type { KafkaAdmin } from '@claims-mesh/kafka';
import { log } from '../kafka-hop/variant-run';
import { deleteKeys } from '../shared/redis-keys';
import { traceSamplingEnv } from '../shared/trace-sampling';
import { cpuProfileEnv } from '../shared/cpu-profile';
import { metricSums } from '../shared/service-metrics';
import { benchProcessCpuSeconds, processCpuSeconds, redisCpuSeconds, stackCpuSeconds } from '../shared/stack-cpu';
import { HopUnderTest } from './hop-measurement';

/**
 * The built feature service as a real process (Redis feature store, transactional publish,
 * tracing on, as deployed) on the mesh's claims.submitted.v1 -> claims.enriched.v1. Its
 * consumer group is fresh and starts at the end of claims.submitted.v1, and its feature-set
 * version is unique to the run, so it sees only the bench's claims and keeps its Redis state
 * under a prefix of its own; both are deleted at the end.
 */
export class FeatureServiceHop implements HopUnderTest {
  readonly name: string;
  readonly label: string;
  readonly input: Topic = 'claims.submitted.v1';
  readonly output: Topic = 'claims.enriched.v1';
  private readonly groupId: string;
  private readonly featureSetVersion: string;
  private service: ServiceProcess | undefined;

  constructor(
    private readonly admin: KafkaAdmin,
    runId: string,
    private readonly port: number,
    /** Where the service writes a CPU profile when it stops; none when undefined. */
    private readonly profileDir?: string,
    /**
     * The share of claims whose traces are kept (OpenTelemetry's parent-based ratio sampler);
     * 1, every claim traced, is how the mesh runs by default.
     */
    private readonly traceSampleRatio = 1,
  ) {
    const variant = traceSampleRatio < 1 ? `sampled-${traceSampleRatio}` : 'all-traced';
    this.name = traceSampleRatio < 1 ? `feature-sampled` : 'feature';
    this.label =
      traceSampleRatio < 1 ? `feature service, ${traceSampleRatio * 100}% traced` : 'feature service';
    this.groupId = `bench.${runId}.feature.${variant}`;
    this.featureSetVersion = `bench-${runId}-${variant}`;
  }

  async start(): Promise<void> {
    await startGroupAtEnd(this.groupId, [this.input]);
    this.service = ServiceProcess.start('feature', this.port, {
      KAFKA_GROUP_ID: this.groupId,
      FEATURE_SET_VERSION: this.featureSetVersion,
      ...traceSamplingEnv(this.traceSampleRatio),
      ...cpuProfileEnv(this.profileDir),
    });
    await this.service.listening(60_000);
  }

  /** From the transport's batch-size histogram on the service's /metrics. */
  async batches(): Promise<{ count: number; records: number }> {
    const sums = await this.metrics(['kafka_consumer_batch_size_count', 'kafka_consumer_batch_size_sum']);
    return {
      count: sums.kafka_consumer_batch_size_count ?? 0,
      records: sums.kafka_consumer_batch_size_sum ?? 0,
    };
  }

  /** CPU seconds used so far by the service process, Redis, the broker, Jaeger (all of each: they are shared) and this process. */
  async cpuSeconds(): Promise<Record<string, number>> {
    return {
      'feature service': processCpuSeconds(this.service?.pid),
      redis: await redisCpuSeconds(),
      ...stackCpuSeconds(),
      'bench process (feeder, reader)': benchProcessCpuSeconds(),
    };
  }

  private async metrics(names: string[]): Promise<Record<string, number>> {
    return this.service ? metricSums(this.service.url('/metrics'), names) : {};
  }

  logs(): string {
    return this.service?.logs ?? '';
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
    const deleted = await deleteKeys(featureStoreKeys(this.featureSetVersion));
    log(
      `${this.label}: stopped; deleted group ${this.groupId} and ${deleted} Redis keys of feature set ${this.featureSetVersion}`,
    );
  }
}
