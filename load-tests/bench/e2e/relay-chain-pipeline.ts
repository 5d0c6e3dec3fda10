import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AvroSerde, valueSchema } from '@claims-mesh/contracts';
import { stack, testKafka } from '@claims-mesh/testing';
import { Admin, Partitioners, Producer } from 'kafkajs';
import { encodedClaims } from '../kafka-hop/load';
import { Scratch } from '../kafka-hop/variant-run';
import { benchProcessCpuSeconds, processCpuSeconds, stackCpuSeconds } from '../shared/stack-cpu';
import { FirstRecordReader } from './first-record-reader';
import { BatchOutcome } from './open-loop';
import { Pipeline } from './pipeline';

/**
 * The substrate limit: bare kafkajs relays (kafka-hop's BareRelay, each in its own process)
 * chained over throw-away topics of the mesh's partition count, with as many topics between
 * the entrance and the reader as the mesh has between ingest and the decision reader
 * (submitted -> enriched -> scored -> decided: the entrance writes the first, three relays
 * forward, the reader reads the last). Fed Avro ClaimSubmitted records by a kafkajs producer
 * at the same rates and batch sizes as the mesh's HTTP entrance.
 */
export class RelayChainPipeline implements Pipeline {
  readonly name = 'relay-chain';
  readonly label = 'bare kafkajs relay chain';
  readonly hops: string[];
  readonly reader: FirstRecordReader;
  private readonly scratch: Scratch;
  private readonly relays: ChildProcess[] = [];
  private readonly producer: Producer;
  private values: Buffer[] = [];
  private next = 0;

  constructor(
    private readonly admin: Admin,
    runId: string,
    private readonly partitions: number,
  ) {
    this.hops = [0, 1, 2, 3].map((i) => `bench.${runId}.chain.${i}`);
    this.scratch = new Scratch(admin);
    this.reader = new FirstRecordReader(testKafka('bench-e2e-chain-reader'), this.hops[this.hops.length - 1]);
    this.producer = testKafka('bench-e2e-chain-entrance').producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async start(): Promise<void> {
    await this.scratch.createTopics(this.hops, this.partitions);
    const serde = AvroSerde.forRegistry(stack.registryUrl, () => valueSchema('ClaimSubmitted'));
    this.values = (await encodedClaims(serde, this.hops[0], 1000)).map((m) => m.value as Buffer);
    await this.producer.connect();
    await this.reader.start(this.admin);
    await Promise.all(this.hops.slice(1).map((output, i) => this.startRelay(this.hops[i], output)));
  }

  private startRelay(input: string, output: string): Promise<void> {
    const groupId = `${output}.relay`;
    this.scratch.groups.push(groupId);
    const child = fork(join(__dirname, 'relay-process.js'), [groupId, input, output]);
    this.relays.push(child);
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`relay ${input} -> ${output} exited with ${code}`)));
    });
  }

  async sendBatch(claims: number): Promise<BatchOutcome> {
    const messages = Array.from({ length: claims }, () => ({
      key: randomUUID(),
      value: this.values[this.next++ % this.values.length],
    }));
    await this.producer.send({ topic: this.hops[0], acks: -1, messages });
    return { accepted: messages.map((m) => m.key), refused: 0, failed: 0 };
  }

  /** The three relay processes, the broker and this process (the entrance producer and the reader). */
  async cpuSeconds(): Promise<Record<string, number>> {
    return {
      ...Object.fromEntries(this.relays.map((child, i) => [`relay ${i + 1}`, processCpuSeconds(child.pid)])),
      ...stackCpuSeconds(['kafka broker']),
      bench: benchProcessCpuSeconds(),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.relays.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.removeAllListeners('exit');
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await this.producer.disconnect();
    await this.reader.stop(this.admin);
    await this.scratch.deleteAll();
  }
}
