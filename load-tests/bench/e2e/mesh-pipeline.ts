import { AvroSerde } from '@claims-mesh/contracts';
import type { KafkaAdmin } from '@claims-mesh/kafka';
import { Mesh, stack } from '@claims-mesh/testing';
import { syntheticClaims } from '../../demo/synthetic-claims';
import { FirstRecordReader } from './first-record-reader';
import { HopBreakdown } from './hop-breakdown';
import { BatchOutcome } from './open-loop';
import { HopLatencies, Pipeline } from './pipeline';
import { log } from '../kafka-hop/variant-run';
import { deleteKeys } from '../shared/redis-keys';
import { metricSums } from '../shared/service-metrics';
import { benchProcessCpuSeconds, processCpuSeconds, redisCpuSeconds, stackCpuSeconds } from '../shared/stack-cpu';

const DECIDED = 'claims.decided.v1';
/** The services whose hops are Kafka transactions (EOS v2). */
const TRANSACTIONAL_SERVICES = ['feature', 'decision'];

/**
 * The six services as real processes (libs/testing's Mesh: own ports, own consumer groups
 * starting at the topic ends), claims POSTed to ingest's /v1/claims/batch, decisions read
 * from claims.decided.v1 by claim id.
 *
 * Every request carries customers of its own (the demo generator's mix inside the batch:
 * repeat claims, a repeated serial, skewed amounts), as a large customer base would. A fixed
 * set of 64 bodies sent over and over, as before, made the same 2,000 customers claim again
 * and again: a few hundred thousand claims in, the busiest customer had thousands of claims in
 * its 30-day window, the feature store's script reads that window for each claim, and Redis
 * reached 0.65 of a core while the mesh slowed down. (~0.2 ms per request to build and
 * serialise in this process.)
 *
 * The services keep their Redis state under names of the mesh's own (feature set, decisions,
 * audit, review tasks: Mesh.redisKeyPatterns), deleted at the end. Ingest's idempotency keys
 * have fixed names and expire on their own (1 day).
 */
export class MeshPipeline implements Pipeline {
  readonly label: string;
  readonly hops = ['claims.submitted.v1', 'claims.enriched.v1', 'claims.scored.v1', DECIDED];
  private readonly breakdown = new HopBreakdown(AvroSerde.forRegistry(stack.registryUrl), DECIDED);
  readonly reader = new FirstRecordReader('bench-e2e-mesh-reader', DECIDED, this.breakdown.onFirst);
  private mesh: Mesh | undefined;
  private batches = 0;
  private url = '';

  constructor(
    /** 'mesh', or e.g. 'mesh 10%' for a run that traces a tenth of the claims. */
    readonly name: string,
    private readonly admin: KafkaAdmin,
    private readonly portBase: number,
    private readonly batchSize: number,
    private readonly serviceEnv: Record<string, string>,
  ) {
    this.label = `claims mesh (6 services${name === 'mesh' ? '' : `, ${name.replace(/^mesh /, '')} of claims traced`})`;
  }

  async start(): Promise<void> {
    await this.reader.start(this.admin);
    this.mesh = await Mesh.start(this.portBase, this.serviceEnv);
    this.url = this.mesh.service('ingest').url('/v1/claims/batch');
  }

  async sendBatch(claims: number): Promise<BatchOutcome> {
    if (claims !== this.batchSize) throw new Error(`the mesh pipeline sends batches of ${this.batchSize}`);
    const body = JSON.stringify({ claims: syntheticClaims(this.batchSize, ++this.batches) });
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-ingest-key' },
      body,
    });
    const text = await res.text();
    if (res.status === 202) {
      const accepted = (JSON.parse(text) as { claims: { claimId: string }[] }).claims.map((c) => c.claimId);
      return { accepted, refused: 0, failed: 0 };
    }
    if (res.status === 429) return { accepted: [], refused: claims, failed: 0 };
    return { accepted: [], refused: 0, failed: claims, error: `${res.status} ${text.slice(0, 200)}` };
  }

  /** The six services, Redis, the broker, Jaeger, Triton's server and this process (the load generator and reader). */
  async cpuSeconds(): Promise<Record<string, number>> {
    const services = [...(this.mesh?.services ?? new Map()).entries()].map(([name, service]) => [name, processCpuSeconds(service.pid)]);
    return {
      ...Object.fromEntries(services),
      redis: await redisCpuSeconds(),
      ...stackCpuSeconds(['kafka broker', 'jaeger', 'triton server']),
      bench: benchProcessCpuSeconds(),
    };
  }

  async transactionsCommitted(): Promise<Record<string, number>> {
    const counts = await Promise.all(
      TRANSACTIONAL_SERVICES.map(async (name) => {
        const url = this.mesh?.service(name).url('/metrics');
        const sums = url ? await metricSums(url, ['kafka_transactions_total']) : {};
        return [name, sums.kafka_transactions_total ?? NaN] as const;
      }),
    );
    return Object.fromEntries(counts);
  }

  hopLatencies(sentAt: Map<string, number>): HopLatencies {
    return this.breakdown.latencies(sentAt);
  }

  async stop(): Promise<void> {
    await this.mesh?.stop();
    await this.reader.stop();
    const patterns = this.mesh?.redisKeyPatterns ?? [];
    let deleted = 0;
    for (const pattern of patterns) deleted += await deleteKeys(pattern);
    log(`${this.name}: deleted the run's ${deleted} Redis keys (${patterns.join(', ')})`);
  }
}
