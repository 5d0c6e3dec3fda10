import { Inject, Injectable } from '@nestjs/common';
import { piiPaths, valueSchema, type ClaimDecided } from '@claims-mesh/contracts';
import { ErasedSubjects, execTracedPipeline, PersonalData, redactPaths, REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { DecisionConfig } from '../config';
import { mustPublishAgain, RecordPosition } from './record-position';

const DAY_SECONDS = 86_400;
const DECISION_PII = piiPaths(valueSchema('ClaimDecided').json);

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
 * Each entry is also in its customer's set (`<p>:subject:<subjectRef>:actions`), for their
 * erasure, which redacts the entries' personal data (the claim's fields the schema marks pii):
 * a redelivery then publishes the redacted decision, and a review's verdict decides on it.
 */
@Injectable()
export class DecisionLedger {
  /** The customers erased from the ledger (see DecisionLedgerErasure). */
  readonly erased: ErasedSubjects;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: DecisionConfig,
    private readonly personalData: PersonalData,
  ) {
    // As long as the longest-kept entry written before an erasure.
    this.erased = new ErasedSubjects(redis, `${config.REDIS_KEY_PREFIX}:erasures:decision-ledger`, this.longestTtlSeconds());
  }

  /** Records each decision unless its actionId is known; in one round trip, in order. */
  async record(entries: readonly LedgerEntry[]): Promise<RecordedDecision[]> {
    if (entries.length === 0) return [];
    const subjects = entries.map((entry) => this.personalData.subjectRef(entry.decision.claim.customerId));
    const replies = await execTracedPipeline(this.redis.pipeline(), 'SET', (pipeline) => {
      for (const [i, entry] of entries.entries()) {
        const subjectKey = this.subjectKey(subjects[i]);
        const ttl = this.ttlSecondsOf(entry.decision);
        pipeline.sadd(subjectKey, entry.decision.actionId).expire(subjectKey, ttl, 'NX').expire(subjectKey, ttl, 'GT');
        // SET NX GET: stores the entry if the actionId is new and answers the stored one if not, atomically.
        pipeline.set(
          this.keyOf(entry.decision.actionId),
          JSON.stringify(entry),
          'EX',
          ttl,
          'NX',
          'GET',
        );
      }
    });
    const setReplies = replies.filter((_, i) => i % 4 === 3);
    if (replies.some(([error]) => error)) throw new Error(`decision ledger: ${replies.find(([error]) => error)?.[0]?.message}`);
    // After the entries and their index, so an erasure that read the index before them finds their customer marked here.
    const erased = await this.erased.erasedAmong(subjects);
    if (erased.size) await Promise.all(entries.filter((_, i) => erased.has(subjects[i])).map((entry) => this.redact(entry.decision.actionId)));
    return setReplies.map(([error, stored], i) => {
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

  /** The actionIds of a customer's entries (some may have expired since). */
  async actionsOf(subjectRef: string): Promise<string[]> {
    return this.redis.smembers(this.subjectKey(subjectRef));
  }

  /** Replaces the personal data of an entry's decision; false when the entry is gone. Entries never change once written, so no other write races with it. */
  async redact(actionId: string): Promise<boolean> {
    const stored = await this.redis.get(this.keyOf(actionId));
    if (stored === null) return false;
    const entry = JSON.parse(stored) as LedgerEntry;
    const redacted: LedgerEntry = { ...entry, decision: redactPaths(entry.decision, DECISION_PII) };
    return (await this.redis.set(this.keyOf(actionId), JSON.stringify(redacted), 'KEEPTTL', 'XX')) === 'OK';
  }

  private subjectKey(subjectRef: string): string {
    return `${this.config.REDIS_KEY_PREFIX}:subject:${subjectRef}:actions`;
  }

  private longestTtlSeconds(): number {
    return Math.max(this.config.REVIEW_TTL_DAYS, this.config.IDEMPOTENCY_TTL_DAYS) * DAY_SECONDS + this.config.EVIDENCE_DEADLINE_SECONDS;
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
