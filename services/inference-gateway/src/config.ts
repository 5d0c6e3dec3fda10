import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@claims-mesh/platform';

export class GatewayConfig extends ServiceConfig {
  /** gRPC host:port of each Triton shard; every shard serves every model. */
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'TRITON_SHARDS must be a comma-separated host:port list' })
  TRITON_SHARDS = '127.0.0.1:8001,127.0.0.1:8101';

  /** Deadline of one Triton call. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  TRITON_TIMEOUT_MS = 1000;

  /** p99 target of a Triton batch round trip; the batchers' AIMD steers batch size against it. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  LATENCY_SLO_MS = 50;

  /** The models' max_batch_size (Triton config): no batch is larger. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_BATCH_SIZE = 256;

  /** Batches out at once per model version. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_CONCURRENT_BATCHES = 4;

  /** Consecutive failures that eject a shard, and how long it stays out before a probe. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  BREAKER_FAILURE_THRESHOLD = 3;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  BREAKER_COOLDOWN_MS = 2000;

  /** Triton model names; a routing's version picks the student and teacher trained together. */
  @IsString()
  STUDENT_MODEL = 'fraud_student';

  @IsString()
  TEACHER_MODEL = 'fraud_teacher';

  /** The model family whose records of models.rollout.v1 (key = family) route this gateway. */
  @Matches(/^[A-Za-z0-9_.-]+$/)
  MODEL_FAMILY = 'fraud';

  // The bootstrap routing, MODEL_VERSION to SHADOW_VERSION: used until models.rollout.v1 holds a
  // record of MODEL_FAMILY (and again after that record's tombstone). Each record replaces it at run time.
  /** Version serving the claims that are not in the canary. */
  @Matches(/^[0-9]+$/)
  MODEL_VERSION = '1';

  @Matches(/^[0-9]+$/)
  CANARY_VERSION = '2';

  /** Share of claims (by claimId hash) scored by CANARY_VERSION, 0..1; 0 = no canary. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  CANARY_WEIGHT = 0;

  /** Student probabilities in [UNCERTAIN_LOW, UNCERTAIN_HIGH] are escalated to the teacher. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  UNCERTAIN_LOW = 0.3;

  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  UNCERTAIN_HIGH = 0.7;

  /** Version whose cascade scores a copy of every claim into claims.scored.shadow.v1; empty = no shadow. */
  @Matches(/^([0-9]+)?$/, { message: 'SHADOW_VERSION must be empty or a model version, e.g. 2' })
  SHADOW_VERSION = '';

  /**
   * How long startup waits to have read models.rollout.v1 to its end before consuming claims;
   * past it the gateway scores with the routing known so far (bootstrap or read) and logs so.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ROLLOUT_STARTUP_TIMEOUT_MS = 10_000;

  /**
   * How long a new rollout record waits for every version it routes to (student and teacher of
   * the primary, canary and shadow versions) to be ready on every Triton shard the router
   * considers available; past it the record is refused and the routing before it stays. Claims
   * keep being scored with that routing while the record waits. 0 = check once, no wait.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ROLLOUT_LOAD_WAIT_MS = 30_000;

  /** Claims waiting for the shadow beyond which new copies are dropped (never the main path). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SHADOW_MAX_PENDING = 5000;
}
