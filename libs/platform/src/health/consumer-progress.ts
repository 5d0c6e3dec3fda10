import type { StalledBatch } from '@claims-mesh/kafka';
import { ReadinessCheck } from './readiness-checks';

/** What the check needs of the transport. */
export interface BatchesInFlight {
  stalledBatches(ms: number): StalledBatch[];
}

/**
 * Readiness under `consumer`: down while a partition batch has been in the service's hands
 * for longer than `stallSeconds`, naming the partitions. The service is connected and the
 * brokers answer, but that partition's claims are not moving: its handler keeps failing
 * and being retried (a dependency is down), or a commit cannot reach the group's coordinator.
 */
export function consumerProgressCheck(transport: BatchesInFlight, stallSeconds: number): ReadinessCheck {
  return {
    name: 'consumer',
    async check() {
      const stalled = transport.stalledBatches(stallSeconds * 1000);
      if (stalled.length === 0) return { ready: true };
      return {
        ready: false,
        details: {
          message: `no progress for over ${stallSeconds} s on ${stalled.map((b) => `${b.partition} (${b.seconds} s)`).join(', ')}`,
          stalled,
        },
      };
    },
  };
}
