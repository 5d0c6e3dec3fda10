import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisSecurityFromEnv } from './redis-connection';

describe('redisSecurityFromEnv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
  const ca = join(dir, 'ca.pem');
  const passwordFile = join(dir, 'feature.password');
  writeFileSync(ca, 'the CA');
  writeFileSync(passwordFile, 'p4ss\n');

  it('adds nothing to a plaintext URL without a user', () => {
    expect(redisSecurityFromEnv('redis://127.0.0.1:6379', {})).toEqual({});
  });

  it('turns TLS on for rediss://, trusting the CA file given', () => {
    expect(redisSecurityFromEnv('rediss://127.0.0.1:6380', {})).toEqual({ tls: {} });
    expect(redisSecurityFromEnv('rediss://127.0.0.1:6380', { REDIS_TLS_CA_FILE: ca })).toEqual({ tls: { ca: Buffer.from('the CA') } });
  });

  it('logs in as the ACL user with the password from its file', () => {
    expect(redisSecurityFromEnv('redis://127.0.0.1:6379', { REDIS_USERNAME: 'feature', REDIS_PASSWORD_FILE: passwordFile })).toEqual({
      username: 'feature',
      password: 'p4ss',
    });
  });

  it.each([
    ['redis://127.0.0.1:6379', { REDIS_TLS_CA_FILE: ca }, /REDIS_TLS_CA_FILE needs a rediss:\/\/ REDIS_URL/],
    ['rediss://127.0.0.1:6380', { REDIS_TLS_CA_FILE: join(dir, 'missing.pem') }, /REDIS_TLS_CA_FILE names no file/],
    ['redis://127.0.0.1:6379', { REDIS_USERNAME: 'feature' }, /REDIS_PASSWORD_FILE \(or REDIS_PASSWORD\) is required with REDIS_USERNAME/],
  ])('refuses %s with bad setting #%#', (url, env, message) => {
    expect(() => redisSecurityFromEnv(url, env)).toThrow(message);
  });
});
