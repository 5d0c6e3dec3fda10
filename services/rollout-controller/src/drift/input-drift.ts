import { psiAgainstReference, type DriftReference } from '@claims-mesh/contracts';

/** A claim's model inputs by name (feature-order.json's names), as the scored record carries them. */
export type InputRow = Record<string, number>;

/** PSI of one feature over the window, against the reference. */
export interface FeatureDrift {
  feature: string;
  psi: number;
}

/**
 * Drift of the primary's inputs: the latest `windowSize` claims it scored against the
 * distribution of the rows it was trained on (its drift-reference.json), per feature. How long
 * the worst feature has stayed above the threshold is what starts a retraining.
 */
export class InputDrift {
  private readonly window: InputRow[] = [];
  private next = 0;
  private aboveSince: number | undefined;

  constructor(
    private readonly reference: DriftReference,
    /** The version the reference belongs to: a new primary gets a new InputDrift. */
    readonly version: string,
    private readonly windowSize: number,
    private readonly threshold: number,
  ) {}

  add(row: InputRow): void {
    if (this.window.length < this.windowSize) this.window.push(row);
    else this.window[this.next] = row;
    this.next = (this.next + 1) % this.windowSize;
  }

  /** Each feature's PSI, once the window is full (a part-filled window would drift by its size alone). */
  features(): FeatureDrift[] {
    if (this.window.length < this.windowSize) return [];
    return Object.entries(this.reference.features).map(([feature, reference]) => ({
      feature,
      psi: psiAgainstReference(
        reference,
        this.window.map((row) => row[feature]).filter((value) => value !== undefined),
      ),
    }));
  }

  /**
   * The features above the threshold now, and since when the window has had one (ms);
   * `since` is reset as soon as none is.
   */
  check(now: number): { drifting: FeatureDrift[]; since: number | undefined; all: FeatureDrift[] } {
    const all = this.features();
    const drifting = all.filter((f) => f.psi > this.threshold).sort((a, b) => b.psi - a.psi);
    this.aboveSince = drifting.length ? (this.aboveSince ?? now) : undefined;
    return { drifting, since: this.aboveSince, all };
  }
}
