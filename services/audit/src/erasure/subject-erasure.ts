import { Inject, Injectable } from '@nestjs/common';
import { deterministicUuid, type ErasureRequest } from '@claims-mesh/contracts';
import { ErasedSubjects, ErasureParticipant, REDIS, SubjectErasures } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { AuditConfig } from '../config';
import { LINEAGE_FIELDS, LineageKeys } from '../lineage/lineage-keys';
import { execOrThrow } from '../lineage/redis-replies';
import { StageEntry } from '../lineage/stages';

/**
 * Right to erasure in the index (the store audit-lineage of an erasure request): a customer's
 * personal values are deleted from every claim of theirs and the erasure becomes a step of each
 * lineage. The customer stays marked as erased, so records of theirs consumed later (late or
 * replayed) are indexed without them.
 */
@Injectable()
export class SubjectErasure extends ErasureParticipant {
  private readonly retentionSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: LineageKeys,
    erasures: SubjectErasures,
    config: AuditConfig,
  ) {
    const retentionSeconds = config.AUDIT_RETENTION_DAYS * 86_400;
    super('audit-lineage', new ErasedSubjects(redis, keys.erasureProgress('audit-lineage'), retentionSeconds), erasures);
    this.retentionSeconds = retentionSeconds;
  }

  /** Applying it twice keeps the first erasure step, and deletes whatever arrived since. */
  async erase({ subjectRef: subject, requestedBy, requestedAt }: ErasureRequest): Promise<Record<string, number>> {
    const stage: StageEntry = {
      stage: 'erasure',
      at: requestedAt,
      eventId: deterministicUuid('audit-erasure', subject),
      topic: null,
      partition: null,
      offset: null,
      schemaId: null,
      erasedBy: requestedBy,
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
    return { claims: claimIds.length };
  }
}
