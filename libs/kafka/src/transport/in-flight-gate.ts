/**
 * Bounds the records a consumer holds in memory. Past `high`, new partition batches are
 * paused (Kafka keeps them) and resumed once in-flight work drains below half the bound.
 */
export class InFlightGate {
  private inFlight = 0;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly high: number,
    private readonly onPausedChange: (paused: boolean) => void = () => undefined,
  ) {}

  get count(): number {
    return this.inFlight;
  }

  isFull(): boolean {
    return this.inFlight >= this.high;
  }

  acquire(records: number): void {
    this.inFlight += records;
  }

  release(records: number): void {
    this.inFlight -= records;
    if (this.inFlight <= this.high / 2) this.resumeAll();
  }

  /** Registers what to call (a partition's resume) once the gate has drained. */
  whenDrained(resume: () => void): void {
    this.waiting.push(resume);
    this.onPausedChange(true);
  }

  resumeAll(): void {
    if (this.waiting.length === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resume of waiting) resume();
    this.onPausedChange(false);
  }
}
