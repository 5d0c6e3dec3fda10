import { IsOptional, IsString } from 'class-validator';
import { IsRedisKeyPrefix, Secret, secretsOf, ServiceConfig, validateConfig } from './service-config';

describe('validateConfig', () => {
  it('takes the service defaults and lets the environment override them', () => {
    const config = validateConfig(ServiceConfig, { PORT: 3001 }, { KAFKA_BROKERS: 'a:1,b:2', PORT: '4001' });
    expect(config.PORT).toBe(4001);
    expect(config.KAFKA_BROKERS).toBe('a:1,b:2');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names every invalid variable', () => {
    expect(() =>
      validateConfig(ServiceConfig, { PORT: 3001 }, { PORT: 'eighty', KAFKA_BROKERS: 'no-port', DEPLOYMENT_ENV: 'mars' }),
    ).toThrow(/PORT[\s\S]*KAFKA_BROKERS must be a comma-separated host:port list[\s\S]*DEPLOYMENT_ENV/);
  });
});

class PrefixedConfig extends ServiceConfig {
  @IsRedisKeyPrefix()
  REDIS_KEY_PREFIX = 'svc';
}

describe('IsRedisKeyPrefix', () => {
  it.each(['svc', 'decision-it-1a2b3c4d', 'a.b_c-D9', 'x'.repeat(64)])('accepts %j', (prefix) => {
    expect(validateConfig(PrefixedConfig, { PORT: 3001 }, { REDIS_KEY_PREFIX: prefix }).REDIS_KEY_PREFIX).toBe(prefix);
  });

  it.each(['two words', 'a:b', 'star*', 'x'.repeat(65)])('refuses %j, naming the variable', (prefix) => {
    expect(() => validateConfig(PrefixedConfig, { PORT: 3001 }, { REDIS_KEY_PREFIX: prefix })).toThrow(
      /REDIS_KEY_PREFIX: REDIS_KEY_PREFIX must be 1-64 characters of A-Z, a-z, 0-9, \., _ or -/,
    );
  });
});

class SecretsConfig extends ServiceConfig {
  @Secret()
  @IsString()
  SIGNING_SECRET_FILE = '/repo/infra/local/signing.secret';

  @Secret()
  @IsOptional()
  @IsString()
  KEY_ENCRYPTION_KEY?: string = undefined;
}

describe('Secret', () => {
  // Every secret of ServiceConfig (more than API_KEYS_FILE as they are added) the deployment's own.
  const platformSecrets = Object.fromEntries(secretsOf(ServiceConfig).map((name) => [name, `/etc/mesh/${name}`]));
  const production = { ...platformSecrets, DEPLOYMENT_ENV: 'production', SIGNING_SECRET_FILE: '/etc/mesh/signing.secret', KEY_ENCRYPTION_KEY: 'kek' };

  it('lists a class\'s own secrets and those it inherits', () => {
    expect(secretsOf(ServiceConfig)).toContain('API_KEYS_FILE');
    expect(secretsOf(SecretsConfig)).toEqual([...secretsOf(ServiceConfig), 'SIGNING_SECRET_FILE', 'KEY_ENCRYPTION_KEY']);
  });

  it('lets development defaults and unset secrets through outside production', () => {
    for (const DEPLOYMENT_ENV of ['local', 'test', 'staging']) {
      expect(validateConfig(SecretsConfig, { PORT: 3001 }, { DEPLOYMENT_ENV }).SIGNING_SECRET_FILE).toBe('/repo/infra/local/signing.secret');
    }
  });

  it('accepts production with every secret its own', () => {
    expect(validateConfig(SecretsConfig, { PORT: 3001 }, production).KEY_ENCRYPTION_KEY).toBe('kek');
  });

  it.each([
    ['unset', { SIGNING_SECRET_FILE: undefined }, /SIGNING_SECRET_FILE: left at its development default/],
    ['empty', { SIGNING_SECRET_FILE: '' }, /SIGNING_SECRET_FILE: left at its development default/],
    ['the default', { SIGNING_SECRET_FILE: '/repo/infra/local/signing.secret' }, /SIGNING_SECRET_FILE: left at its development default/],
    ['the default by another path', { SIGNING_SECRET_FILE: '/repo/infra/../infra/local/signing.secret' }, /SIGNING_SECRET_FILE: left at its development default/],
    ['a secret without default unset', { KEY_ENCRYPTION_KEY: '' }, /KEY_ENCRYPTION_KEY: a secret, required with DEPLOYMENT_ENV=production/],
    ['the development API keys file', { API_KEYS_FILE: undefined }, /API_KEYS_FILE: left at its development default/],
  ])('refuses in production a secret %s, naming the variable', (_case, change, message) => {
    expect(() => validateConfig(SecretsConfig, { PORT: 3001 }, { ...production, ...change })).toThrow(message);
  });

  it('names every refused secret at once, never a value', () => {
    const attempt = () => validateConfig(SecretsConfig, { PORT: 3001 }, { DEPLOYMENT_ENV: 'production', KEY_ENCRYPTION_KEY: '' });
    expect(attempt).toThrow(/API_KEYS_FILE[\s\S]*SIGNING_SECRET_FILE[\s\S]*KEY_ENCRYPTION_KEY/);
    expect(attempt).not.toThrow(/signing\.secret|api-keys\.json/);
  });
});
