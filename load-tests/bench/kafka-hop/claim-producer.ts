import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { stopProcess } from './relay-process';

export type ProducerMode = 'plain' | 'sealed';

/** Claims published before the measured ones (and left in the topic): the producer's connection, schema ids and Redis link are made by then. */
export const WARMUP_CLAIMS = 200;

/** What a producer process (claim-producer-host.js) tells the bench that started it. */
export type FromProducer =
  | { type: 'ready' }
  | { type: 'published'; seconds: number }
  | { type: 'report'; valueBytes: number; subjects: number; keyRefs: string[] };

/** What the bench asks of it. */
export type ToProducer = { type: 'go' } | { type: 'report' };

export type ProducerReport = Omit<Extract<FromProducer, { type: 'report' }>, 'type'>;

/**
 * A producer of claims as ingest publishes them (KafkaPublisher, batches of `batch`, sealing
 * on encode in `sealed` mode), in a process of its own so its CPU can be read apart from the
 * bench. It prepares its claims and warms up, then publishes on 'go'; the sizes and subjects
 * are worked out only when asked, after the CPU was read.
 */
export class ClaimProducerProcess {
  private child: ChildProcess | undefined;

  constructor(
    readonly mode: ProducerMode,
    private readonly topic: string,
    private readonly count: number,
    private readonly batch: number,
    private readonly env: Record<string, string>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.child = fork(join(__dirname, 'claim-producer-host.js'), [this.mode, this.topic, String(this.count), String(this.batch)], {
      env: { ...process.env, ...this.env },
    });
    await this.next('ready');
  }

  /** Publishes every claim; resolves with the seconds it took. */
  async publish(): Promise<number> {
    const published = this.next('published');
    this.send({ type: 'go' });
    return (await published).seconds;
  }

  async report(): Promise<ProducerReport> {
    const reported = this.next('report');
    this.send({ type: 'report' });
    const { valueBytes, subjects, keyRefs } = await reported;
    return { valueBytes, subjects, keyRefs };
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }

  private send(message: ToProducer): void {
    this.child?.send(message);
  }

  private next<T extends FromProducer['type']>(type: T): Promise<Extract<FromProducer, { type: T }>> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('the producer process is not started'));
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromProducer) => {
        if (message.type !== type) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(message as Extract<FromProducer, { type: T }>);
      };
      const onExit = (code: number | null) => {
        child.off('message', onMessage);
        reject(new Error(`${this.mode} claim producer exited with ${code} while waiting for '${type}'`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }
}
