const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one batch send reported: claims it carried that the pipeline took, and their keys. */
export interface BatchOutcome {
  accepted: string[];
  refused: number;
  failed: number;
  error?: string;
}

export interface OpenLoopResult {
  offered: number;
  /** Claims whose batch was not sent because MAX_IN_FLIGHT batches were still unanswered. */
  skipped: number;
  accepted: number;
  refused: number;
  failed: number;
  firstError?: string;
}

/**
 * Open-loop load: `claimsPerSecond` for `seconds` in batches of `batchSize`, on schedule
 * whatever the answer times (a slow pipeline shows as latency, not as a lower offered rate).
 * At most `maxInFlight` batches wait for answers; a batch due beyond that is skipped and
 * counted, so an overwhelmed pipeline cannot make the driver grow without bound. `sentAt`
 * gets each accepted claim's key and its batch's send time.
 */
export async function driveOpenLoop(
  settings: { claimsPerSecond: number; seconds: number; batchSize: number; maxInFlight: number },
  sendBatch: (claims: number) => Promise<BatchOutcome>,
  sentAt: Map<string, number>,
): Promise<OpenLoopResult> {
  const { claimsPerSecond, seconds, batchSize, maxInFlight } = settings;
  const totalBatches = Math.round((claimsPerSecond * seconds) / batchSize);
  const result: OpenLoopResult = {
    offered: totalBatches * batchSize,
    skipped: 0,
    accepted: 0,
    refused: 0,
    failed: 0,
  };
  const pending = new Set<Promise<void>>();
  const start = Date.now();
  let due = 0;
  while (due < totalBatches) {
    // Catch up to the schedule on every tick, so timer jitter does not lower the rate.
    const dueNow = Math.min(
      totalBatches,
      Math.floor(((Date.now() - start) * claimsPerSecond) / 1000 / batchSize),
    );
    for (; due < dueNow; due++) {
      if (pending.size >= maxInFlight) {
        result.skipped += batchSize;
        continue;
      }
      const at = Date.now();
      const send = sendBatch(batchSize).then(
        (outcome) => {
          for (const key of outcome.accepted) sentAt.set(key, at);
          result.accepted += outcome.accepted.length;
          result.refused += outcome.refused;
          result.failed += outcome.failed;
          if (outcome.error) result.firstError ??= outcome.error;
        },
        (error: Error) => {
          result.failed += batchSize;
          result.firstError ??= error.message;
        },
      );
      pending.add(send);
      void send.finally(() => pending.delete(send));
    }
    await sleep(2);
  }
  await Promise.all(pending);
  return result;
}
