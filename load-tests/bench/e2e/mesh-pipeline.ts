import { AvroSerde } from '@claims-mesh/contracts';
import { Mesh, stack, testKafka } from '@claims-mesh/testing';
import { Admin } from 'kafkajs';
import { claimBatchBodies } from '../ingest-http/claim-batches';
import { FirstRecordReader } from './first-record-reader';
import { HopBreakdown } from './hop-breakdown';
import { BatchOutcome } from './open-loop';
import { HopLatencies, Pipeline } from './pipeline';

const DECIDED = 'claims.decided.v1';

/**
 * The six services as real processes (libs/testing's Mesh: own ports, own consumer groups
 * starting at the topic ends), claims POSTed to ingest's /v1/claims/batch, decisions read
 * from claims.decided.v1 by claim id.
 */
export class MeshPipeline implements Pipeline {
  readonly name = 'mesh';
  readonly label = 'claims mesh (6 services)';
  readonly hops = ['claims.submitted.v1', 'claims.enriched.v1', 'claims.scored.v1', DECIDED];
  private readonly breakdown = new HopBreakdown(AvroSerde.forRegistry(stack.registryUrl), DECIDED);
  readonly reader = new FirstRecordReader(
    testKafka('bench-e2e-mesh-reader'),
    DECIDED,
    this.breakdown.onFirst,
  );
  private mesh: Mesh | undefined;
  private bodies: string[] = [];
  private next = 0;
  private url = '';

  constructor(
    private readonly admin: Admin,
    private readonly portBase: number,
    private readonly batchSize: number,
    private readonly serviceEnv: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.bodies = claimBatchBodies(64, this.batchSize);
    await this.reader.start(this.admin);
    this.mesh = await Mesh.start(this.portBase, this.serviceEnv);
    this.url = this.mesh.service('ingest').url('/v1/claims/batch');
  }

  async sendBatch(claims: number): Promise<BatchOutcome> {
    if (claims !== this.batchSize) throw new Error(`the mesh pipeline sends batches of ${this.batchSize}`);
    const body = this.bodies[this.next++ % this.bodies.length];
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

  hopLatencies(sentAt: Map<string, number>): HopLatencies {
    return this.breakdown.latencies(sentAt);
  }

  async stop(): Promise<void> {
    await this.mesh?.stop();
    await this.reader.stop(this.admin);
  }
}
