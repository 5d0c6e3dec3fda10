import { Inject, Injectable } from '@nestjs/common';
import type { ClaimDecided } from '@claims-mesh/contracts';
import { execTracedPipeline, REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { DecisionConfig } from '../config';
import { mustPublishAgain, RecordPosition } from './record-position';

const DAY_SECONDS = 86_400;

export interface LedgerEntry {
  decision: ClaimDecided;
  /** The input record the decision answers. */
  madeFrom: RecordPosition;
}

export interface RecordedDecision {
  /** The decision to publish: the one first recorded under its actionId, byte for byte. */
  decision: ClaimDecided;
  /** This is the first time the decision was made (not a redelivery). */
  isNew: boolean;
  publish: boolean;
}

/**
 * Every decision made, by actionId, in Redis. Written before the Kafka transaction commits,
 * so it cannot say whether the decision was published; it says what the decision was (a
 * redelivery publishes the identical record, decidedAt included) and where it came from
 * (a later duplicate publishes nothing, see mustPublishAgain). REVIEW decisions stay until
 * their reviewer's verdict arrives, which needs the claim, score and reasons they carry;
 * REQUEST_INFO decisions until their evidence or deadline does (see EvidenceRequests).
 */
@Injectable()
export class DecisionLedger {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: DecisionConfig,
  ) {}

  /** Records each decision unless its actionId is known; in one round trip, in order. */
  async record(entries: readonly LedgerEntry[]): Promise<RecordedDecision[]> {
    if (entries.length === 0) return [];
    const replies = await execTracedPipeline(this.redis.pipeline(), 'SET', (pipeline) => {
      for (const entry of entries) {
        // SET NX GET: stores the entry if the actionId is new and answers the stored one if not, atomically.
        pipeline.set(
          this.keyOf(entry.decision.actionId),
          JSON.stringify(entry),
          'EX',
          this.ttlSecondsOf(entry.decision),
          'NX',
          'GET',
        );
      }
    });
    return replies.map(([error, stored], i) => {
      if (error) throw new Error(`decision ledger: ${error.message}`);
      if (stored === null) return { decision: entries[i].decision, isNew: true, publish: true };
      const first = JSON.parse(stored as string) as LedgerEntry;
      return {
        decision: first.decision,
        isNew: false,
        publish: mustPublishAgain(first.madeFrom, entries[i].madeFrom),
      };
    });
  }

  /** The decision recorded under an actionId, if it is still remembered. */
  async find(actionId: string): Promise<ClaimDecided | undefined> {
    const stored = await this.redis.get(this.keyOf(actionId));
    return stored === null ? undefined : (JSON.parse(stored) as LedgerEntry).decision;
  }

  private keyOf(actionId: string): string {
    return `${this.config.REDIS_KEY_PREFIX}:action:${actionId}`;
  }

  private ttlSecondsOf(decision: ClaimDecided): number {
    const { evidenceDeadline, timestamps } = decision;
    if (evidenceDeadline !== null && evidenceDeadline !== undefined) {
      // Kept until its evidence or its deadline makes the next decision, and as long after as any decision.
      const waitSeconds = Math.ceil(Math.max(0, evidenceDeadline - (timestamps.decidedAt ?? 0)) / 1000);
      return waitSeconds + this.config.IDEMPOTENCY_TTL_DAYS * DAY_SECONDS;
    }
    return (
      (decision.action === 'REVIEW' ? this.config.REVIEW_TTL_DAYS : this.config.IDEMPOTENCY_TTL_DAYS) *
      DAY_SECONDS
    );
  }
}
