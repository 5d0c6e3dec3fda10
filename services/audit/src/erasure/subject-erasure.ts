import { Inject, Injectable } from '@nestjs/common';
import { deterministicUuid } from '@claims-mesh/contracts';
import { REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { AuditConfig } from '../config';
import { LINEAGE_FIELDS, LineageKeys, subjectOf } from '../lineage/lineage-keys';
import { execOrThrow } from '../lineage/redis-replies';
import { StageEntry } from '../lineage/stages';

export interface ErasureReceipt {
  /** Claims of the customer whose personal data left the index. */
  claims: number;
  erasedAt: number;
  erasedBy: string;
}

/**
 * Right to erasure in the index: a customer's personal values are deleted from every claim
 * of theirs and the erasure becomes a step of each lineage. The customer stays marked as
 * erased, so records of theirs consumed later (late or replayed) are indexed without them.
 */
@Injectable()
export class SubjectErasure {
  private readonly retentionSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: LineageKeys,
    config: AuditConfig,
  ) {
    this.retentionSeconds = config.AUDIT_RETENTION_DAYS * 86_400;
  }

  /** Erasing twice keeps the first erasure's time and author, and deletes whatever arrived since. */
  async erase(customerId: string, erasedBy: string, now = Date.now()): Promise<ErasureReceipt> {
    const subject = subjectOf(customerId);
    const stage: StageEntry = {
      stage: 'erasure',
      at: now,
      eventId: deterministicUuid('audit-erasure', subject),
      topic: null,
      partition: null,
      offset: null,
      schemaId: null,
      erasedBy,
    };
    // Marked first: from here on every record write for the customer purges instead of storing,
    // and every claim written before is already in the subject's set read next.
    const [, , recorded, claimIds] = (await execOrThrow(
      this.redis
        .multi()
        .hsetnx(this.keys.erasedSubjects(), subject, JSON.stringify(stage))
        // As long as the lineages it keeps free of the subject's data (each record's write extends it too).
        .expire(this.keys.erasedSubjects(), this.retentionSeconds)
        .hget(this.keys.erasedSubjects(), subject)
        .smembers(this.keys.subjectClaims(subject)),
      'erasure',
    )) as [number, number, string, string[]];

    const purge = this.redis.multi();
    for (const claimId of claimIds) {
      purge.del(this.keys.pii(claimId));
      purge.hsetnx(this.keys.lineage(claimId), LINEAGE_FIELDS.erasure, recorded);
    }
    if (claimIds.length) await execOrThrow(purge, 'erasure');
    const first = JSON.parse(recorded) as StageEntry;
    return { claims: claimIds.length, erasedAt: first.at, erasedBy: String(first.erasedBy) };
  }
}
