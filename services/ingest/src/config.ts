import { join } from 'node:path';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { IsRedisKeyPrefix, Secret, ServiceConfig } from '@claims-mesh/platform';

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

  /** Namespace of ingest's Redis keys for the status view and the webhook outbox (`<prefix>:status:...`, `<prefix>:webhooks:...`). */
  @IsRedisKeyPrefix()
  INGEST_KEY_PREFIX = 'ingest';

  /** How long a claim's status view is kept after its last event (GET /v1/claims/{claimId} answers 404 after). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  STATUS_TTL_SECONDS = 604_800;

  /**
   * Callback URL and signing secret per client (API key id), and the allow-list of callback
   * hosts; no file, no webhooks. The default is the local stack's (localhost only), so
   * production names its own.
   */
  @Secret()
  @IsString()
  WEBHOOKS_FILE = join(__dirname, '..', '..', '..', 'infra', 'local', 'webhooks.json');

  /** Attempts per webhook event before it goes to webhooks.dlq.v1 with the reason. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOK_MAX_ATTEMPTS = 10;

  /** Wait after the first failed attempt; doubles after each (with ±20% jitter) up to WEBHOOK_BACKOFF_MAX_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  WEBHOOK_BACKOFF_INITIAL_MS = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  WEBHOOK_BACKOFF_MAX_MS = 300_000;

  /** One attempt's limit: a receiver slower than this counts as failed. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** Deliveries in flight at once, over all clients. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_CONCURRENCY = 16;

  /** Deliveries in flight at once to one client, so a slow receiver leaves room for the others. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_CLIENT_CONCURRENCY = 4;

  /** How often the delivery loop looks for due events when it has nothing to do. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  WEBHOOK_POLL_INTERVAL_MS = 200;

  /**
   * Events of records older than this are not sent (counted as stale): a consumer group
   * starting on the topics' history (a first deployment) must not call clients about last week.
   */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  WEBHOOK_MAX_EVENT_AGE_SECONDS = 86_400;

  /** How long an event id is remembered, so the same event is not enqueued twice. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  WEBHOOK_DEDUP_TTL_SECONDS = 172_800;
}
