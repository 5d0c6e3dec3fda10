import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { ServiceConfig } from '@claims-mesh/platform';

export class IngestConfig extends ServiceConfig {
  /** Most claims one POST /v1/claims/batch may carry. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_BATCH_SIZE = 1000;

  /** How long an Idempotency-Key (or client eventId) keeps returning the first answer. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  IDEMPOTENCY_TTL_SECONDS = 86_400;

  /** Records waiting for broker acknowledgement beyond which ingest sheds load (429). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_PENDING_RECORDS = 50_000;

  /** Consumer group whose lag on claims.submitted.v1 is watched for backpressure. */
  @IsString()
  DOWNSTREAM_GROUP = 'feature';

  /** Lag of DOWNSTREAM_GROUP beyond which ingest sheds load (429). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_DOWNSTREAM_LAG = 200_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  LAG_POLL_INTERVAL_MS = 1000;

  /** Retry-After sent with a 429, in seconds. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RETRY_AFTER_SECONDS = 2;
}
