import { readFileSync } from 'node:fs';

const MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
type Mechanism = (typeof MECHANISMS)[number];

export interface SaslCredentials {
  mechanism: Mechanism;
  username: string;
  password: string;
}

/**
 * SASL credentials of a Kafka client from the environment, or undefined when
 * KAFKA_SASL_MECHANISM is unset (a plaintext broker):
 *   KAFKA_SASL_MECHANISM      scram-sha-512 | scram-sha-256 | plain
 *   KAFKA_SASL_USERNAME
 *   KAFKA_SASL_PASSWORD_FILE  a file holding the password (preferred), or
 *   KAFKA_SASL_PASSWORD       the password itself
 * Errors name the variable, never a value, so a misconfiguration cannot leak the secret into a log.
 */
export function saslFromEnv(env: Record<string, string | undefined> = process.env): SaslCredentials | undefined {
  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase();
  if (!mechanism) return undefined;
  if (!(MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new Error(`KAFKA_SASL_MECHANISM must be one of ${MECHANISMS.join(', ')}`);
  }
  const username = env.KAFKA_SASL_USERNAME;
  if (!username) throw new Error('KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM');
  const password = passwordOf(env);
  return { mechanism: mechanism as Mechanism, username, password };
}

function passwordOf(env: Record<string, string | undefined>): string {
  const file = env.KAFKA_SASL_PASSWORD_FILE;
  if (file && env.KAFKA_SASL_PASSWORD) throw new Error('give KAFKA_SASL_PASSWORD_FILE or KAFKA_SASL_PASSWORD, not both');
  if (!file) {
    if (!env.KAFKA_SASL_PASSWORD) throw new Error('KAFKA_SASL_PASSWORD_FILE (or KAFKA_SASL_PASSWORD) is required with KAFKA_SASL_MECHANISM');
    return env.KAFKA_SASL_PASSWORD;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`KAFKA_SASL_PASSWORD_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  // One trailing newline is how editors and `echo` write the file; it is not part of the password.
  const password = text.replace(/\r?\n$/, '');
  if (!password) throw new Error('KAFKA_SASL_PASSWORD_FILE is empty');
  return password;
}
