import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@claims-mesh/platform';

export class AuditConfig extends ServiceConfig {
  /**
   * Prefix of every Redis key of the lineage index. Tests give each run its own, so their
   * lists by action and time only ever hold their own claims.
   */
  @Matches(/^[A-Za-z0-9._-]+$/, {
    message: 'AUDIT_KEY_PREFIX may hold letters, digits, ".", "_" and "-" only',
  })
  AUDIT_KEY_PREFIX = 'audit';

  /**
   * How long a claim's lineage (and its personal values, until an erasure) is kept after its
   * last recorded step: an insurer keeps a claim's record for the period in which the claim can
   * be disputed, six years in most of its markets, plus one for late proceedings.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS = 2555;

  /**
   * The stores an erasure waits for, comma-separated: those of every service that keeps personal
   * data (each reports its own on subjects.erasure-status.v1). GET /v1/subjects/{customerId}/erasure
   * is complete once all of them are done.
   */
  @Matches(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, { message: 'ERASURE_STORES must be a comma-separated list of store names (a-z, 0-9, -)' })
  ERASURE_STORES = 'subject-keys,audit-lineage,feature-history,review-tasks,decision-ledger,ingest-records';

  /** Page size of GET /v1/claims when the caller gives no limit. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  DEFAULT_PAGE_SIZE = 50;

  /** Largest `limit` GET /v1/claims accepts. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  MAX_PAGE_SIZE = 500;
}
