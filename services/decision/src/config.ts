import { join } from 'node:path';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { IsRedisKeyPrefix, ServiceConfig } from '@claims-mesh/platform';

export class DecisionConfig extends ServiceConfig {
  /** The versioned rule set (JSON, see rules/README.md); the service refuses to start on a bad one. */
  @IsString()
  @IsNotEmpty()
  RULES_FILE = join(__dirname, '..', 'rules', 'rules.v2.json');

  /**
   * How long a decision is remembered so a redelivered input gets the very same record (same
   * decidedAt) or none. Longer than the input topics' retention (30 days, libs/contracts/topics.json);
   * after it a replay still carries the same ids, only a new decidedAt.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  IDEMPOTENCY_TTL_DAYS = 31;

  /**
   * How long a REVIEW decision waits for its reviewer: the final decision is built from it.
   * A review completed later is dead-lettered as referring to an unknown task.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  REVIEW_TTL_DAYS = 90;

  /**
   * How long a REQUEST_INFO decision waits for the customer's evidence (claims.evidence.v1):
   * its evidenceDeadline is decidedAt plus this. Once it passes, the claim is closed with a
   * final REJECT, reason code EVIDENCE_NOT_RECEIVED. 14 days by default.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  EVIDENCE_DEADLINE_SECONDS = 14 * 86_400;

  /** How often the evidence deadlines are checked (the sweep), in milliseconds. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  EVIDENCE_SWEEP_INTERVAL_MS = 1_000;

  /** Namespace of the ledger's Redis keys, so two deployments (or a test) can share one Redis. */
  @IsRedisKeyPrefix()
  REDIS_KEY_PREFIX = 'decision';
}
