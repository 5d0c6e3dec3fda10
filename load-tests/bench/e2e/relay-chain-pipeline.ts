import { randomUUID } from 'node:crypto';
import { AvroSerde, valueSchema } from '@claims-mesh/contracts';
import type { KafkaAdmin, KafkaProducer } from '@claims-mesh/kafka';
import { stack, testKafka, testProducer } from '@claims-mesh/testing';
import { encodedClaims } from '../kafka-hop/load';
import { RelayProcess } from '../kafka-hop/relay-process';
import { Scratch } from '../kafka-hop/variant-run';
import { benchProcessCpuSeconds, processCpuSeconds, stackCpuSeconds } from '../shared/stack-cpu';
import { FirstRecordReader } from './first-record-reader';
import { BatchOutcome } from './open-loop';
import { Pipeline } from './pipeline';

/**
 * The substrate limit: bare relays on the new client's native API (kafka-hop's, each in its
 * own process) chained over throw-away topics of the mesh's partition count, with as many
 * topics between the entrance and the reader as the mesh has between ingest and the decision
 * reader (submitted -> enriched -> scored -> decided: the entrance writes the first, three
 * relays forward, the reader reads the last). Fed Avro ClaimSubmitted records by a producer
 * with the mesh's settings at the same rates and batch sizes as the mesh's HTTP entrance.
 */
export class RelayChainPipeline implements Pipeline {
  readonly name = 'relay-chain';
  readonly label = 'bare relay chain (new client)';
  readonly hops: string[];
  readonly reader: FirstRecordReader;
  private readonly scratch: Scratch;
  private readonly relays: RelayProcess[] = [];
  private readonly producer: KafkaProducer;
  private values: Buffer[] = [];
  private next = 0;

  constructor(
    private readonly admin: KafkaAdmin,
    runId: string,
    private readonly partitions: number,
  ) {
    this.hops = [0, 1, 2, 3].map((i) => `bench.${runId}.chain.${i}`);
    this.scratch = new Scratch(admin);
    this.reader = new FirstRecordReader('bench-e2e-chain-reader', this.hops[this.hops.length - 1]);
    this.producer = testProducer(testKafka('bench-e2e-chain-entrance'));
  }

  async start(): Promise<void> {
    await this.scratch.createTopics(this.hops, this.partitions);
    const serde = AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));
    this.values = (await encodedClaims(serde, this.hops[0], 1000)).map((m) => m.value);
    await this.producer.connect();
    await this.reader.start(this.admin);
    await Promise.all(this.hops.slice(1).map((output, i) => this.startRelay(this.hops[i], output)));
  }

  private startRelay(input: string, output: string): Promise<void> {
    const relay = new RelayProcess('bare', `${output}.relay`, input, output);
    this.scratch.groups.push(relay.groupId);
    this.relays.push(relay);
    return relay.start();
  }

  async sendBatch(claims: number): Promise<BatchOutcome> {
    const messages = Array.from({ length: claims }, () => ({
      key: randomUUID(),
      value: this.values[this.next++ % this.values.length],
    }));
    await this.producer.send({ topic: this.hops[0], messages });
    return { accepted: messages.map((m) => m.key), refused: 0, failed: 0 };
  }

  /** The three relay processes, the broker and this process (the entrance producer and the reader). */
  async cpuSeconds(): Promise<Record<string, number>> {
    return {
      ...Object.fromEntries(this.relays.map((relay, i) => [`relay ${i + 1}`, processCpuSeconds(relay.pid)])),
      ...stackCpuSeconds(['kafka broker']),
      bench: benchProcessCpuSeconds(),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.relays.map((relay) => relay.stop()));
    await this.producer.disconnect();
    await this.reader.stop();
    await this.scratch.deleteAll();
  }
}
