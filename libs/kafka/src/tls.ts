import { existsSync } from 'node:fs';

const PROTOCOLS = ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'] as const;
type SecurityProtocol = (typeof PROTOCOLS)[number];

export interface KafkaTls {
  /**
   * PEM file of the CA(s) that signed the brokers' certificates; without it librdkafka trusts the
   * system's CAs only (a broker with a certificate of a public CA needs none).
   */
  caFile?: string;
}

/**
 * TLS of a Kafka client from the environment, or undefined for a plaintext link:
 *   KAFKA_SECURITY_PROTOCOL  plaintext | ssl | sasl_plaintext | sasl_ssl (librdkafka's names). Unset:
 *                            ssl when KAFKA_SSL_CA_FILE is set, else plaintext (sasl_ with KAFKA_SASL_*)
 *   KAFKA_SSL_CA_FILE        the CA's PEM file (librdkafka's ssl.ca.location)
 * The protocol must agree with KAFKA_SASL_MECHANISM: a mismatch would otherwise show only as a
 * handshake that never completes.
 */
export function tlsFromEnv(env: Record<string, string | undefined> = process.env): KafkaTls | undefined {
  const caFile = env.KAFKA_SSL_CA_FILE || undefined;
  const protocol = protocolOf(env, caFile);
  if (protocol.startsWith('sasl_') !== Boolean(env.KAFKA_SASL_MECHANISM)) {
    throw new Error(`KAFKA_SECURITY_PROTOCOL ${protocol} ${protocol.startsWith('sasl_') ? 'needs' : 'cannot go with'} KAFKA_SASL_MECHANISM`);
  }
  if (!protocol.endsWith('ssl')) {
    if (caFile) throw new Error(`KAFKA_SSL_CA_FILE needs KAFKA_SECURITY_PROTOCOL ssl or sasl_ssl, not ${protocol}`);
    return undefined;
  }
  // librdkafka would only say that no certificate could be verified.
  if (caFile && !existsSync(caFile)) throw new Error('KAFKA_SSL_CA_FILE names no file');
  return { caFile };
}

function protocolOf(env: Record<string, string | undefined>, caFile: string | undefined): SecurityProtocol {
  const given = env.KAFKA_SECURITY_PROTOCOL?.toLowerCase();
  if (given) {
    if (!(PROTOCOLS as readonly string[]).includes(given)) throw new Error(`KAFKA_SECURITY_PROTOCOL must be one of ${PROTOCOLS.join(', ')}`);
    return given as SecurityProtocol;
  }
  const sasl = env.KAFKA_SASL_MECHANISM ? 'sasl_' : '';
  return `${sasl}${caFile ? 'ssl' : 'plaintext'}` as SecurityProtocol;
}
