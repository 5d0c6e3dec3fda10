import { spawn } from 'node:child_process';
import { Logger } from '@nestjs/common';

export type RetrainOutcome = 'succeeded' | 'failed';

/**
 * Runs retraining (`make retrain`'s script: dataset, training, registration in MLflow, loading
 * on every shard) as a child process, one at a time. Its output goes to this process's log;
 * the candidate it leaves in the model repository is found by the controller's next look there.
 */
export class Retrainer {
  private readonly logger = new Logger(Retrainer.name);
  private running: Promise<RetrainOutcome> | undefined;

  constructor(private readonly command: string) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Starts a retraining unless one runs; resolves with how it ended. */
  start(reason: string, env: Record<string, string>): Promise<RetrainOutcome> {
    if (this.running) return this.running;
    this.logger.log(`retraining (${reason}): ${this.command}`);
    const started = Date.now();
    this.running = new Promise<RetrainOutcome>((resolve) => {
      const child = spawn(this.command, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const relay = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line.trim()) this.logger.log(`[retrain] ${line}`);
      };
      child.stdout.on('data', relay);
      child.stderr.on('data', relay);
      child.on('error', (error) => {
        this.logger.error(`retraining could not start: ${error.message}`);
        resolve('failed');
      });
      child.on('close', (code, signal) => {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (code === 0) this.logger.log(`retraining finished in ${seconds}s`);
        else this.logger.error(`retraining failed after ${seconds}s (${signal ?? `exit ${code}`})`);
        resolve(code === 0 ? 'succeeded' : 'failed');
      });
    }).finally(() => (this.running = undefined));
    return this.running;
  }
}
