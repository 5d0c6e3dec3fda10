import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { librdkafkaConfig, type KafkaConnectionOptions } from '../connection';
import type { TopicToCreate } from './create-topics';

const run = promisify(execFile);

/** One topic whose configs were brought to what topics.json declares: each changed config, from what to what. */
export interface TopicConfigChange {
  topic: string;
  changes: { name: string; from: string | undefined; to: string }[];
}

/** Where Kafka's own tools are: the classpath of the Kafka jars (the local stack's by default) and the java to run them. */
export interface KafkaTools {
  /** A java classpath holding kafka_2.13 (kafka.admin.ConfigCommand), e.g. `.cache/stack/kafka/libs/*`. */
  classpath: string;
  java?: string;
}

/**
 * Brings existing topics to the configs their specs declare (retention.ms, cleanup.policy,
 * min.insync.replicas), changing only the configs that differ and leaving topics that match
 * untouched, so it is safe on every start. Returns what it changed.
 *
 * Through Kafka's own ConfigCommand (one JVM describes every topic; a drifted topic gets an
 * incremental SET of its differing configs), not a client library: @confluentinc/kafka-javascript
 * exposes neither DescribeConfigs nor any AlterConfigs (confluent-kafka-javascript#444), and the
 * mesh keeps to one Kafka client.
 */
export async function alignTopicConfigs(connection: KafkaConnectionOptions, topics: TopicToCreate[], tools: KafkaTools): Promise<TopicConfigChange[]> {
  // On a new cluster every topic was just created with its configs: nothing to bring.
  if (topics.length === 0) return [];
  const command = await ConfigCommand.open(connection, tools);
  try {
    const overrides = await command.describeTopics();
    const changed: TopicConfigChange[] = [];
    for (const topic of topics) {
      const current = overrides.get(topic.name) ?? {};
      const changes = Object.entries(topic.configs)
        .filter(([name, value]) => current[name] !== value)
        .map(([name, value]) => ({ name, from: current[name], to: value }));
      if (changes.length === 0) continue;
      await command.setTopicConfigs(topic.name, Object.fromEntries(changes.map((c) => [c.name, c.to])));
      changed.push({ topic: topic.name, changes });
    }
    return changed;
  } finally {
    command.close();
  }
}

/** Each topic's configs set on the topic itself (not inherited from the broker), by topic and name. */
export async function topicOverrides(connection: KafkaConnectionOptions, tools: KafkaTools): Promise<Map<string, Record<string, string>>> {
  const command = await ConfigCommand.open(connection, tools);
  try {
    return await command.describeTopics();
  } finally {
    command.close();
  }
}

/** Kafka's kafka.admin.ConfigCommand on the mesh's connection (brokers, TLS, SASL as the other clients reach them). */
class ConfigCommand {
  private constructor(
    private readonly tools: KafkaTools,
    private readonly args: string[],
    private readonly dir: string,
  ) {}

  static async open(connection: KafkaConnectionOptions, tools: KafkaTools): Promise<ConfigCommand> {
    const config = librdkafkaConfig(connection) as Record<string, string | number | undefined>;
    const dir = mkdtempSync(join(tmpdir(), 'config-command-'));
    const file = join(dir, 'client.properties');
    writeFileSync(file, javaClientProperties(config), { mode: 0o600 });
    return new ConfigCommand(tools, ['--bootstrap-server', String(config['bootstrap.servers']), '--command-config', file], dir);
  }

  /** Every topic's own configs, from one `--describe` of all topics. */
  async describeTopics(): Promise<Map<string, Record<string, string>>> {
    return parseDescribe(await this.exec(['--entity-type', 'topics', '--describe']));
  }

  async setTopicConfigs(topic: string, configs: Record<string, string>): Promise<void> {
    // A value holding a comma (e.g. cleanup.policy=compact,delete) is bracketed, as ConfigCommand reads lists.
    const entries = Object.entries(configs).map(([name, value]) => `${name}=${value.includes(',') ? `[${value}]` : value}`);
    await this.exec(['--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', entries.join(',')]);
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async exec(args: string[]): Promise<string> {
    const { stdout } = await run(this.tools.java ?? 'java', ['-cp', this.tools.classpath, 'kafka.admin.ConfigCommand', ...this.args, ...args], {
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
    return stdout;
  }
}

/** "Dynamic configs for topic T are:" followed by "  name=value sensitive=... synonyms={...}" lines. */
export function parseDescribe(output: string): Map<string, Record<string, string>> {
  const topics = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of output.split('\n')) {
    const header = /^Dynamic configs for topic (\S+) are:$/.exec(line);
    if (header) topics.set(header[1], (current = {}));
    const entry = /^ {2}([^=\s]+)=(.*?) sensitive=(true|false) synonyms=/.exec(line);
    if (entry && current) current[entry[1]] = entry[2];
  }
  return topics;
}

/** The Java client's properties for the same security settings librdkafka's config holds. */
export function javaClientProperties(config: Record<string, string | number | undefined>): string {
  const lines = [`security.protocol=${String(config['security.protocol']).toUpperCase()}`];
  const ca = config['ssl.ca.location'];
  if (ca) lines.push('ssl.truststore.type=PEM', `ssl.truststore.location=${ca}`);
  const mechanism = config['sasl.mechanisms'];
  if (mechanism) {
    const quoted = (value: unknown) => JSON.stringify(String(value));
    const loginModule = String(mechanism).startsWith('SCRAM') ? 'org.apache.kafka.common.security.scram.ScramLoginModule' : 'org.apache.kafka.common.security.plain.PlainLoginModule';
    lines.push(
      `sasl.mechanism=${mechanism}`,
      `sasl.jaas.config=${loginModule} required username=${quoted(config['sasl.username'])} password=${quoted(config['sasl.password'])};`,
    );
  }
  return `${lines.join('\n')}\n`;
}
