import { binIndex, histogram, psi, quantileEdges } from '@claims-mesh/contracts';

/**
 * Drift of one feature: the first `windowSize` values seen form the reference, whose
 * quantiles fix the bin edges; the latest `windowSize` values after it form the rolling
 * window, whose histogram is kept up to date as values enter and leave.
 */
export class FeatureDrift {
  private readonly reference: number[] = [];
  private edges: number[] | undefined;
  private referenceCounts: number[] = [];
  private rollingCounts: number[] = [];
  /** Bin of each value in the rolling window, oldest at `next` once the window is full. */
  private readonly rollingBins: number[] = [];
  private next = 0;

  constructor(
    private readonly windowSize: number,
    private readonly bins: number,
  ) {}

  observe(value: number): void {
    if (!this.edges) {
      this.reference.push(value);
      if (this.reference.length === this.windowSize) this.fixReference();
      return;
    }
    const bin = binIndex(this.edges, value);
    this.rollingCounts[bin]++;
    if (this.rollingBins.length < this.windowSize) {
      this.rollingBins.push(bin);
      return;
    }
    this.rollingCounts[this.rollingBins[this.next]]--;
    this.rollingBins[this.next] = bin;
    this.next = (this.next + 1) % this.windowSize;
  }

  /** PSI of the rolling window against the reference; undefined until both windows are full. */
  psi(): number | undefined {
    if (this.rollingBins.length < this.windowSize) return undefined;
    return psi(this.referenceCounts, this.rollingCounts);
  }

  private fixReference(): void {
    const edges = quantileEdges(this.reference, this.bins);
    this.edges = edges;
    this.referenceCounts = histogram(edges, this.reference);
    this.rollingCounts = new Array<number>(edges.length + 1).fill(0);
    this.reference.length = 0; // the counts are all that is needed from here on
  }
}
