import { Kafka, KafkaConfig, logLevel, SASLOptions } from 'kafkajs';
import { saslFromEnv } from './sasl';

export interface KafkaConnectionOptions {
  clientId: string;
  /** Comma-separated host:port list. */
  brokers: string;
  connectionTimeoutMs?: number;
  /** SASL credentials; read from the environment (see saslFromEnv) when not given. */
  sasl?: SASLOptions;
}

export function parseBrokers(brokers: string): string[] {
  const list = brokers
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error('KAFKA_BROKERS is empty: give at least one host:port');
  return list;
}

/** The one place a kafkajs client is configured, so every service talks to Kafka the same way. */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: parseBrokers(options.brokers),
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    logLevel: logLevel.WARN,
    sasl: options.sasl ?? saslFromEnv(),
  };
  return new Kafka(config);
}
