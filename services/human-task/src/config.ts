import { Type } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { IsRedisKeyPrefix, ServiceConfig } from '@claims-mesh/platform';

export class HumanTaskConfig extends ServiceConfig {
  /** A review task is due this many minutes after its REVIEW decision was taken. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SLA_MINUTES = 240;

  /** How long a claim on a task lasts; afterwards any reviewer may claim it again. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LEASE_SECONDS = 300;

  /** Fraud probability from which the model side of a review counts as REJECT (else APPROVE). */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  RECOMMEND_REJECT_AT = 0.5;

  /** A verdict Kafka has not acknowledged for this long is published again (crash or broker outage). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  OUTBOX_RETRY_SECONDS = 60;

  /**
   * How long an open task waits for a reviewer before it expires: the decision service forgets
   * a REVIEW decision after its REVIEW_TTL_DAYS (90) and dead-letters a later verdict, so an
   * older task could no longer decide its claim.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  OPEN_TASK_TTL_DAYS = 90;

  /**
   * How long a completed task (the decision JSON, the verdict and the reviewer's note) is kept
   * after its completion: reviewers and their leads look back at recent verdicts; the verdict
   * itself lives on in reviews.completed.v1 and audit's lineage.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  COMPLETED_TASK_TTL_DAYS = 30;

  /** Namespace of this service's Redis keys, so two deployments (or a test) can share one Redis. */
  @IsRedisKeyPrefix()
  REDIS_KEY_PREFIX = 'human-task';
}
