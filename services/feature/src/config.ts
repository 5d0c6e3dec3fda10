import { Type } from 'class-transformer';
import { IsInt, Matches, Min } from 'class-validator';
import { ServiceConfig } from '@claims-mesh/platform';

export class FeatureConfig extends ServiceConfig {
  /**
   * Version of the feature definitions, stamped on every enriched claim. It also namespaces
   * the Redis state, so a new version builds its own history instead of reading numbers
   * computed under other definitions.
   */
  @Matches(/^[A-Za-z0-9._-]+$/, {
    message: 'FEATURE_SET_VERSION may hold letters, digits, ".", "_" and "-" only',
  })
  FEATURE_SET_VERSION = 'fs-1';

  /** Earlier claims of a product needed before its amount z-score means anything; below it the z-score is 0. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  ZSCORE_MIN_SAMPLES = 5;

  /**
   * How long an event's computed features are kept to answer replays identically. Longer
   * than the 30-day window and the input topic's retention, so no replay can count twice.
   */
  @Type(() => Number)
  @IsInt()
  @Min(31)
  EVENT_MARKER_TTL_DAYS = 31;

  /** How long "first claim" and "serial seen before" remember a customer or serial after its last claim. */
  @Type(() => Number)
  @IsInt()
  @Min(31)
  HISTORY_TTL_DAYS = 730;

  /**
   * Most earlier claims of one customer the velocity windows keep, the latest by event time:
   * a claim is counted with at most this many earlier ones. Bounds the feature store's work
   * per claim (it reads the customer's history); people file a few claims a year.
   */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  CUSTOMER_MAX_CLAIMS = 1000;
}
