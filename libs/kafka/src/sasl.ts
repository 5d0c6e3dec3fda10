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
  const password = secretFromEnv(env, 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_MECHANISM');
  return { mechanism: mechanism as Mechanism, username, password };
}

/**
 * A secret given as NAME_FILE (a file holding it, preferred: no secret in the process's environment)
 * or as NAME itself; `requiredWith` names the setting that makes it required. Errors name the
 * variables, never a value. Shared by every client that logs in (Kafka's SASL, Redis's ACL user).
 */
export function secretFromEnv(env: Record<string, string | undefined>, name: string, requiredWith: string): string {
  const file = env[`${name}_FILE`];
  if (file && env[name]) throw new Error(`give ${name}_FILE or ${name}, not both`);
  if (!file) {
    const value = env[name];
    if (!value) throw new Error(`${name}_FILE (or ${name}) is required with ${requiredWith}`);
    return value;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${name}_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  // One trailing newline is how editors and `echo` write the file; it is not part of the secret.
  const secret = text.replace(/\r?\n$/, '');
  if (!secret) throw new Error(`${name}_FILE is empty`);
  return secret;
}
