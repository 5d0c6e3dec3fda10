import type { KafkaAdmin } from '@claims-mesh/kafka';
import { RelayProcess } from '../kafka-hop/relay-process';
import { Scratch } from '../kafka-hop/variant-run';
import { benchProcessCpuSeconds, processCpuSeconds, stackCpuSeconds } from '../shared/stack-cpu';
import { HopUnderTest } from './hop-measurement';

/** The kafka-hop bare relay (new client, native API, a process of its own) on throw-away topics of as many partitions as the mesh's. */
export class BareHop implements HopUnderTest {
  readonly name = 'bare';
  readonly label = 'bare relay (new client)';
  readonly input: string;
  readonly output: string;
  private readonly scratch: Scratch;
  private readonly relay: RelayProcess;

  constructor(
    admin: KafkaAdmin,
    runId: string,
    private readonly partitions: number,
  ) {
    const base = `bench.${runId}.bare`;
    [this.input, this.output] = [`${base}.in`, `${base}.out`];
    this.scratch = new Scratch(admin);
    this.relay = new RelayProcess('bare', `${base}.relay`, this.input, this.output);
  }

  async start(): Promise<void> {
    await this.scratch.createTopics([this.input, this.output], this.partitions);
    this.scratch.groups.push(this.relay.groupId);
    await this.relay.start();
  }

  async batches(): Promise<{ count: number; records: number }> {
    return (await this.relay.stats()).batches;
  }

  /** The relay's process, the broker and Jaeger, and this process (the feeder and the reader). */
  async cpuSeconds(): Promise<Record<string, number>> {
    return {
      'relay process': processCpuSeconds(this.relay.pid),
      ...stackCpuSeconds(),
      'bench process (feeder, reader)': benchProcessCpuSeconds(),
    };
  }

  async stop(): Promise<void> {
    await this.relay.stop().catch(() => undefined);
    await this.scratch.deleteAll();
  }
}
