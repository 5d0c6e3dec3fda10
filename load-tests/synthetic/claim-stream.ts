import { randomUUID } from 'node:crypto';
import { GroundTruth, type TruthSource } from './ground-truth';
import { labelledClaims, type GenerationMode } from './labelled-claims';
import { submitLabelledClaims } from './submit-claims';

export interface ClaimStreamOptions {
  ingestUrl: string;
  /** Claims per second, sent as one batch a second. */
  rate: number;
  mode?: GenerationMode;
  /** First batch's seed; each later batch draws with the next one. */
  seed?: number;
}

/**
 * A steady stream of synthetic claims into ingest, in the world `mode` says (switchable while it
 * runs: the shift a model lifecycle test makes), keeping every submitted claim's truth for a
 * reviewer simulator. Each batch has customers of its own, so velocity windows stay as drawn.
 */
export class ClaimStream implements TruthSource {
  /** Every submitted batch's truth, merged as it is submitted: one lookup per review, however long the stream ran. */
  private readonly truth = new GroundTruth();
  private readonly run = randomUUID().slice(0, 8);
  private mode: GenerationMode;
  private seed: number;
  private stopped = false;
  private sending: Promise<void> | undefined;
  /** Claims accepted by ingest so far. */
  sent = 0;

  constructor(private readonly options: ClaimStreamOptions) {
    this.mode = options.mode ?? 'baseline';
    this.seed = options.seed ?? 1;
  }

  start(): this {
    this.sending = this.loop();
    return this;
  }

  shift(mode: GenerationMode): void {
    this.mode = mode;
  }

  fraudOf(claimId: string): boolean | undefined {
    return this.truth.fraudOf(claimId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.sending;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const started = Date.now();
      const seed = this.seed++;
      const claims = labelledClaims(this.options.rate, { seed, mode: this.mode, runId: `${this.run}-${seed}` });
      this.truth.merge(await submitLabelledClaims(claims, { ingestUrl: this.options.ingestUrl, batchSize: claims.length }));
      this.sent += claims.length;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))));
    }
  }
}
