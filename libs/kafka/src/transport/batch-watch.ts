/** A partition batch that has been in the transport's hands for a long time. */
export interface StalledBatch {
  /** `topic/partition` */
  partition: string;
  seconds: number;
}

/**
 * When each partition batch in flight started, so readiness can tell a consumer that is
 * working from one that is stuck. A stuck consumer looks healthy from outside otherwise:
 * it is connected, the brokers answer, and it keeps retrying (seen: a commit to a group
 * coordinator that had moved, tried for minutes while /health/ready said up). An idle
 * consumer has no batch in flight, so it never counts as stalled.
 */
export class BatchWatch {
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  started(topic: string, partition: number): void {
    this.startedAt.set(`${topic}/${partition}`, this.now());
  }

  finished(topic: string, partition: number): void {
    this.startedAt.delete(`${topic}/${partition}`);
  }

  /** Batches in flight for longer than `ms`, oldest first. */
  stalledFor(ms: number): StalledBatch[] {
    const now = this.now();
    return [...this.startedAt.entries()]
      .filter(([, at]) => now - at > ms)
      .sort(([, a], [, b]) => a - b)
      .map(([partition, at]) => ({ partition, seconds: Math.round((now - at) / 1000) }));
  }
}
