import 'reflect-metadata';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

const SECRETS = 'config:secrets';

/**
 * Marks a config field as a secret (or the file holding one) whose default, if it has one, is
 * for development only. With DEPLOYMENT_ENV=production, validateConfig refuses the field when
 * it is unset, empty or equal to that default (as a path, too), naming the variable, never its
 * value. Give every new secret this decorator beside its validators, e.g.
 *   @Secret() @IsString() PSEUDONYM_SECRET_FILE = join(__dirname, ..., 'infra', 'local', 'pseudonym.secret');
 *   @Secret() @IsOptional() @IsString() KEY_ENCRYPTION_KEY?: string = undefined; // no default: production must set it
 */
export function Secret(): PropertyDecorator {
  return (target, property) => {
    // A subclass's list starts from its parent's, so ServiceConfig's secrets stay checked in every service.
    const inherited = (Reflect.getMetadata(SECRETS, target) as string[] | undefined) ?? [];
    Reflect.defineMetadata(SECRETS, [...inherited, String(property)], target);
  };
}

/**
 * Environment every service reads. A service with more settings extends this class and
 * passes its own class to PlatformModule; an invalid value stops the service at start
 * with a message naming the variable.
 */
export class ServiceConfig {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT!: number;

  @IsString()
  @IsNotEmpty()
  HOST = '127.0.0.1';

  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be a comma-separated host:port list' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Consumer group; the service name unless a test or a blue/green deploy needs its own. */
  @IsOptional()
  @IsString()
  KAFKA_GROUP_ID?: string = undefined;

  /** How often a consumer commits what it handled (one transaction per interval on exactly-once hops). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60_000)
  KAFKA_COMMIT_INTERVAL_MS = 100;

  /** Longest a consumer's fetch waits at the broker for KAFKA_FETCH_MIN_BYTES: what a lone record may wait per hop. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(500)
  KAFKA_FETCH_WAIT_MS = 25;

  /** Bytes a consumer's fetch waits for: under load, fewer and larger fetches. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(16_777_216)
  KAFKA_FETCH_MIN_BYTES = 65_536;

  /**
   * This instance among its group's replicas; names its transactional producer, so a restarted
   * instance fences its predecessor at once. The host name (the pod's name) unless set.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'KAFKA_INSTANCE_ID must be 1-64 characters of A-Z, a-z, 0-9, ., _ or -' })
  KAFKA_INSTANCE_ID?: string = undefined;

  @Matches(/^https?:\/\/.+/, { message: 'SCHEMA_REGISTRY_URL must be an http(s) URL of a Confluent-compatible API' })
  SCHEMA_REGISTRY_URL = 'http://127.0.0.1:8081/apis/ccompat/v7';

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:port' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsString()
  SERVICE_VERSION = '0.1.0';

  /** JSON array of { id, sha256, scopes } (keys stored hashed). Defaults to the local stack's dev keys. */
  @Secret()
  @IsString()
  API_KEYS_FILE = join(__dirname, '..', '..', '..', '..', 'infra', 'local', 'api-keys.json');

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  MAX_BODY_BYTES = 1_048_576;

  /**
   * /health/ready reports the consumer down while one partition batch has taken longer than
   * this (retrying a failing handler or an offset commit): its claims are not moving.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CONSUMER_STALL_SECONDS = 60;

  @IsIn(['local', 'test', 'staging', 'production'])
  DEPLOYMENT_ENV = 'local';

  /**
   * Whether the serde seals the fields the schemas mark `pii` on every encode (crypto-shredding:
   * erasing a subject deletes its data key). On unless a benchmark compares without it. Needs
   * Redis (the key store), so only services with Redis seal; the others pass sealed values on.
   */
  @Transform(({ value }) => !(value === false || value === 'false' || value === '0'))
  @IsBoolean()
  SEAL_PERSONAL_DATA = true;

  /** The key-encryption key (32 bytes, base64 or hex) that wraps the subjects' data keys. */
  @Secret()
  @IsString()
  PII_KEK_FILE = join(__dirname, '..', '..', '..', '..', '.cache', 'dev-secrets', 'pii-kek');

  /** The secret (32 bytes, base64 or hex) of the subjects' keyed pseudonyms (HMAC-SHA256 of the customer id). */
  @Secret()
  @IsString()
  PSEUDONYM_SECRET_FILE = join(__dirname, '..', '..', '..', '..', '.cache', 'dev-secrets', 'pseudonym-secret');

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

/**
 * A namespace the service's Redis keys start with (`<prefix>:...`), so two deployments, or a
 * test, can share one Redis: 1-64 characters that need no quoting in a key pattern.
 */
export function IsRedisKeyPrefix(): PropertyDecorator {
  return Matches(/^[A-Za-z0-9._-]{1,64}$/, {
    message: ({ property }) => `${property} must be 1-64 characters of A-Z, a-z, 0-9, ., _ or -`,
  });
}

/** The secrets of a config class (its own and inherited), by variable name. */
export function secretsOf(cls: ConfigClass<ServiceConfig>): string[] {
  return (Reflect.getMetadata(SECRETS, cls.prototype) as string[] | undefined) ?? [];
}

/** Production problems of the secrets: each left unset, empty, or at its development default. */
function productionSecretProblems<T extends ServiceConfig>(cls: ConfigClass<T>, config: T, defaults: Partial<Record<keyof T, unknown>>): string[] {
  if (config.DEPLOYMENT_ENV !== 'production') return [];
  const developmentDefaults = { ...new cls(), ...defaults } as Record<string, unknown>;
  return secretsOf(cls).flatMap((name) => {
    const value = (config as unknown as Record<string, unknown>)[name];
    if (value === undefined || value === null || value === '') return [`  ${name}: a secret, required with DEPLOYMENT_ENV=production`];
    if (isDevelopmentValue(value, developmentDefaults[name])) {
      return [`  ${name}: left at its development default, refused with DEPLOYMENT_ENV=production (give the deployment's own)`];
    }
    return [];
  });
}

function isDevelopmentValue(value: unknown, development: unknown): boolean {
  if (development === undefined || development === null || development === '') return false;
  if (value === development) return true;
  // The same file named relative to the working directory is still the development file.
  return typeof value === 'string' && typeof development === 'string' && isAbsolute(development) && resolve(value) === development;
}

export type ConfigClass<T extends ServiceConfig> = new () => T;

/** Builds a validated config from the environment over the service's defaults, or throws naming every bad variable. */
export function validateConfig<T extends ServiceConfig>(
  cls: ConfigClass<T>,
  defaults: Partial<Record<keyof T, unknown>>,
  env: Record<string, unknown>,
): T {
  const config = plainToInstance(cls, { ...defaults, ...pickDefined(env, Object.keys(new cls()).concat(Object.keys(defaults))) });
  const errors = validateSync(config, { skipMissingProperties: false });
  const lines = [
    ...errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    ...productionSecretProblems(cls, config, defaults),
  ];
  if (lines.length > 0) throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  return config;
}

function pickDefined(env: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (env[key] !== undefined && env[key] !== '') picked[key] = env[key];
  return picked;
}
