import { IsRedisKeyPrefix, ServiceConfig, validateConfig } from './service-config';

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
