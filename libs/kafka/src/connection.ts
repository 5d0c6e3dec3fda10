import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { GlobalConfig } from '@confluentinc/kafka-javascript';
import { SaslCredentials, saslFromEnv } from './sasl';
import { KafkaTls, tlsFromEnv } from './tls';

/** The KafkaJS-style client of @confluentinc/kafka-javascript: admin, health probes, tests, tools. */
export type Kafka = KafkaJS.Kafka;
export type KafkaAdmin = KafkaJS.Admin;
export type KafkaProducer = KafkaJS.Producer;
export type KafkaConsumer = KafkaJS.Consumer;
/** A consumed record as the KafkaJS-style API hands it out. */
export type KafkaMessage = KafkaJS.KafkaMessage;

export interface KafkaConnectionOptions {
  clientId: string;
  /** Comma-separated host:port list. */
  brokers: string;
  connectionTimeoutMs?: number;
  /** SASL credentials; read from the environment (see saslFromEnv) when not given. */
  sasl?: SaslCredentials;
  /** TLS to the brokers; read from the environment (see tlsFromEnv) when not given. */
  tls?: KafkaTls;
}

export function parseBrokers(brokers: string): string[] {
  const list = brokers
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error('KAFKA_BROKERS is empty: give at least one host:port');
  return list;
}

/**
 * The one place a connection to the cluster is configured, as librdkafka properties: the
 * transport's and publisher's native clients start from these, and createKafka wraps them.
 */
export function librdkafkaConfig(options: KafkaConnectionOptions): GlobalConfig {
  const sasl = options.sasl ?? saslFromEnv();
  const tls = options.tls ?? tlsFromEnv();
  return {
    'bootstrap.servers': parseBrokers(options.brokers).join(','),
    'client.id': options.clientId,
    'socket.connection.setup.timeout.ms': Math.max(1000, options.connectionTimeoutMs ?? 3000),
    'security.protocol': `${sasl ? 'sasl_' : ''}${tls ? 'ssl' : 'plaintext'}`,
    // librdkafka checks the broker's certificate and its name (ssl.endpoint.identification.algorithm=https) by default.
    ...(tls?.caFile ? { 'ssl.ca.location': tls.caFile } : {}),
    ...(sasl
      ? {
          'sasl.mechanisms': sasl.mechanism.toUpperCase(),
          'sasl.username': sasl.username,
          'sasl.password': sasl.password,
        }
      : {}),
  } as GlobalConfig;
}

/**
 * What every producer of the mesh adds to the connection: Kafka's default partitioner (murmur2
 * of the key, as the Java client and kafkajs), so the mesh and other producers put a claim on the
 * same partition (librdkafka's own default is CRC32); idempotence, which implies acks=all; and a
 * short linger, so records handled together go out in one request per partition.
 */
export const PRODUCER_DEFAULTS = {
  partitioner: 'murmur2_random',
  'enable.idempotence': true,
  'linger.ms': 5,
} as const;

/** A KafkaJS-style client on the same connection settings, for everything off the hot path. */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  return new KafkaJS.Kafka({ ...librdkafkaConfig(options), kafkaJS: { logLevel: KafkaJS.logLevel.NOTHING } } as KafkaJS.CommonConstructorConfig);
}
