import { testKafka } from '@claims-mesh/testing';
import { Admin } from 'kafkajs';
import { BareRelay } from '../kafka-hop/relays';
import { Scratch } from '../kafka-hop/variant-run';
import { benchProcessCpuSeconds, stackCpuSeconds } from '../shared/stack-cpu';
import { HopUnderTest } from './hop-measurement';

/** The kafka-hop bare kafkajs relay on throw-away topics of as many partitions as the mesh's. */
export class BareHop implements HopUnderTest {
  readonly name = 'bare';
  readonly label = 'bare kafkajs relay';
  readonly input: string;
  readonly output: string;
  private readonly scratch: Scratch;
  private readonly relay: BareRelay;

  constructor(
    admin: Admin,
    runId: string,
    private readonly partitions: number,
  ) {
    const base = `bench.${runId}.bare`;
    [this.input, this.output] = [`${base}.in`, `${base}.out`];
    this.scratch = new Scratch(admin);
    this.relay = new BareRelay(testKafka('bench-bare'), `${base}.relay`, this.input, this.output);
  }

  async start(): Promise<void> {
    await this.scratch.createTopics([this.input, this.output], this.partitions);
    this.scratch.groups.push(this.relay.groupId);
    await this.relay.start();
  }

  batches(): Promise<{ count: number; records: number }> {
    return this.relay.batches();
  }

  /** The relay runs in the bench process, with the feeder and the output reader. */
  async cpuSeconds(): Promise<Record<string, number>> {
    return { 'bench process (relay, feeder, reader)': benchProcessCpuSeconds(), ...stackCpuSeconds() };
  }

  async stop(): Promise<void> {
    await this.relay.stop().catch(() => undefined);
    await this.scratch.deleteAll();
  }
}
