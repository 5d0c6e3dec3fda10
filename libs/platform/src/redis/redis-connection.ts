import { existsSync, readFileSync } from 'node:fs';
import { secretFromEnv } from '@claims-mesh/kafka';
import type { RedisOptions } from 'ioredis';

/**
 * How a client reaches Redis beyond its URL, from the environment:
 *   REDIS_URL              rediss://host:port turns TLS on (redis:// is plaintext)
 *   REDIS_TLS_CA_FILE      PEM file of the CA that signed the server's certificate (rediss:// only);
 *                          without it the system's CAs are trusted
 *   REDIS_USERNAME         the ACL user (each service its own: `stack up --tls` makes them)
 *   REDIS_PASSWORD_FILE    a file holding its password (preferred), or
 *   REDIS_PASSWORD         the password itself
 * Errors name the variable, never a value.
 */
export function redisSecurityFromEnv(url: string, env: Record<string, string | undefined> = process.env): RedisOptions {
  const tls = url.startsWith('rediss://');
  const caFile = env.REDIS_TLS_CA_FILE || undefined;
  if (caFile && !tls) throw new Error('REDIS_TLS_CA_FILE needs a rediss:// REDIS_URL');
  if (caFile && !existsSync(caFile)) throw new Error('REDIS_TLS_CA_FILE names no file');
  const username = env.REDIS_USERNAME || undefined;
  return {
    // ioredis checks the certificate and that it names the host of the URL.
    ...(tls ? { tls: caFile ? { ca: readFileSync(caFile) } : {} } : {}),
    ...(username ? { username, password: secretFromEnv(env, 'REDIS_PASSWORD', 'REDIS_USERNAME') } : {}),
  };
}
