import { readFileSync } from 'node:fs';
import { ConfigResourceTypes, ConfigSource, Kafka as KafkaJsClient, logLevel, type Admin as KafkaJsAdmin, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import { librdkafkaConfig, type KafkaConnectionOptions } from '../connection';
import type { TopicToCreate } from './create-topics';

/** One topic whose configs were brought to what topics.json declares: each changed config, from what to what. */
export interface TopicConfigChange {
  topic: string;
  changes: { name: string; from: string | undefined; to: string }[];
}

/**
 * Brings existing topics to the configs their specs declare (retention.ms, cleanup.policy,
 * min.insync.replicas), changing only the configs that differ and leaving topics that match
 * untouched, so it is safe on every start. Returns what it changed.
 *
 * Through kafkajs, the project's one exception to librdkafka: @confluentinc/kafka-javascript
 * exposes neither DescribeConfigs nor any AlterConfigs (confluent-kafka-javascript#444), and
 * kafkajs lacks IncrementalAlterConfigs. Its AlterConfigs replaces a topic's overrides as a whole,
 * so each topic is sent the overrides it has (as DescribeConfigs reports them) with only the
 * differing ones replaced: the same result as an incremental SET of those, barring a concurrent
 * change to the same topic's configs between the two requests.
 */
export async function alignTopicConfigs(connection: KafkaConnectionOptions, topics: TopicToCreate[]): Promise<TopicConfigChange[]> {
  // On a new cluster every topic was just created with its configs: nothing to bring (and kafkajs refuses an empty request).
  if (topics.length === 0) return [];
  const admin = new KafkaJsClient(kafkaJsConfig(connection)).admin();
  await admin.connect();
  try {
    const overrides = await topicOverrides(admin, topics.map((t) => t.name));
    const changed: TopicConfigChange[] = [];
    for (const topic of topics) {
      const current = overrides.get(topic.name) ?? {};
      const changes = Object.entries(topic.configs)
        .filter(([name, value]) => current[name] !== value)
        .map(([name, value]) => ({ name, from: current[name], to: value }));
      if (changes.length === 0) continue;
      const wanted = { ...current, ...topic.configs };
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic.name, configEntries: Object.entries(wanted).map(([name, value]) => ({ name, value })) }],
      });
      changed.push({ topic: topic.name, changes });
    }
    return changed;
  } finally {
    await admin.disconnect();
  }
}

/** Each topic's configs set on the topic itself (not inherited from the broker), by name. */
export async function topicOverrides(admin: KafkaJsAdmin, topics: string[]): Promise<Map<string, Record<string, string>>> {
  if (topics.length === 0) return new Map();
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  const failed = described.resources.filter((r) => r.errorCode !== 0);
  if (failed.length > 0) throw new Error(`describing topic configs failed: ${failed.map((r) => `${r.resourceName}: ${r.errorMessage}`).join('; ')}`);
  return new Map(
    described.resources.map((r) => [
      r.resourceName,
      Object.fromEntries(r.configEntries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG).map((e) => [e.configName, e.configValue])),
    ]),
  );
}

/** kafkajs settings from the mesh's one connection config (brokers, TLS, SASL), so both clients reach the brokers alike. */
export function kafkaJsConfig(connection: KafkaConnectionOptions): KafkaJsConfig {
  const config = librdkafkaConfig(connection) as Record<string, string | number | undefined>;
  const protocol = String(config['security.protocol']);
  const caFile = config['ssl.ca.location'] as string | undefined;
  const mechanism = (config['sasl.mechanisms'] as string | undefined)?.toLowerCase();
  return {
    clientId: connection.clientId,
    brokers: String(config['bootstrap.servers']).split(','),
    logLevel: logLevel.NOTHING,
    ...(protocol.endsWith('ssl') ? { ssl: caFile ? { ca: [readFileSync(caFile)] } : true } : {}),
    ...(mechanism
      ? { sasl: { mechanism, username: String(config['sasl.username']), password: String(config['sasl.password']) } as KafkaJsConfig['sasl'] }
      : {}),
  };
}
