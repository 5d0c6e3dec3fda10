import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saslFromEnv } from './sasl';

describe('saslFromEnv', () => {
  const secret = 's3cret-value-never-shown';

  it('is off without KAFKA_SASL_MECHANISM', () => {
    expect(saslFromEnv({})).toBeUndefined();
  });

  it('reads the password from a file, without its trailing newline', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sasl-')), 'password');
    writeFileSync(file, `${secret}\n`);
    expect(saslFromEnv({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'mesh', KAFKA_SASL_PASSWORD_FILE: file })).toEqual({
      mechanism: 'scram-sha-512',
      username: 'mesh',
      password: secret,
    });
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'mesh', KAFKA_SASL_PASSWORD: secret }, /KAFKA_SASL_MECHANISM must be one of/],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: secret }, /KAFKA_SASL_USERNAME is required/],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'mesh' }, /KAFKA_SASL_PASSWORD_FILE \(or KAFKA_SASL_PASSWORD\) is required/],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'mesh', KAFKA_SASL_PASSWORD: secret, KAFKA_SASL_PASSWORD_FILE: '/x' }, /not both/],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'mesh', KAFKA_SASL_PASSWORD_FILE: `/nonexistent/${secret}` }, /cannot be read: ENOENT$/],
  ])('refuses bad setting #%# naming the variable and never the secret', (env, message) => {
    let error: Error | undefined;
    try {
      saslFromEnv(env);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(secret);
  });
});
