// create-topics on the real broker: every topic of topics.json ends up with the retention and
// cleanup policy it declares, a topic whose configs drifted is brought back, and a second run
// changes nothing.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigResourceTypes, Kafka as KafkaJsClient, type Admin as KafkaJsAdmin } from 'kafkajs';
import { meshTopics } from '@claims-mesh/contracts';
import { stack } from '@claims-mesh/testing';
import { alignTopicConfigs, kafkaJsConfig, topicOverrides } from '../src/admin/topic-configs';

const CLI = join(__dirname, '..', 'dist', 'admin', 'create-topics.cli.js');
const connection = { clientId: 'it-topic-configs', brokers: stack.kafkaBrokers };

async function createTopics(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI], { env: { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers }, timeout: 120_000 });
  return stdout;
}

describe('create-topics: retention and cleanup policy of topics.json, enforced (real broker)', () => {
  let admin: KafkaJsAdmin;
  const own: string[] = [];

  beforeAll(async () => {
    admin = new KafkaJsClient(kafkaJsConfig(connection)).admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (own.length > 0) await admin.deleteTopics({ topics: own });
    await admin.disconnect();
  });

  it('brings a topic whose retention was changed by hand back to topics.json, and a second run changes nothing', async () => {
    await createTopics();
    const drifted = 'claims.scored.shadow.v1';
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: drifted, configEntries: [{ name: 'retention.ms', value: '1234567' }] }],
    });
    expect((await topicOverrides(admin, [drifted])).get(drifted)?.['retention.ms']).toBe('1234567');

    const first = await createTopics();
    expect(first).toContain(`[topics] ${drifted}: retention.ms 1234567 -> `);

    const topics = meshTopics();
    const onBroker = await topicOverrides(admin, topics.map((t) => t.name));
    const differing = topics
      .map((t) => ({ topic: t.name, declared: [t.configs['retention.ms'], t.configs['cleanup.policy']], broker: [onBroker.get(t.name)?.['retention.ms'], onBroker.get(t.name)?.['cleanup.policy']] }))
      .filter(({ declared, broker }) => declared[0] !== broker[0] || declared[1] !== broker[1]);
    expect(differing).toEqual([]);
    // Every topic was compared, the dead-letter twins and control topics among them.
    expect(topics.filter((t) => t.isDeadLetter).length).toBeGreaterThan(0);
    expect(topics.filter((t) => t.cleanupPolicy === 'compact').length).toBeGreaterThan(0);

    const second = await createTopics();
    expect(second.trim().split('\n')).toEqual([`[topics] ${topics.length} topics declared, 0 created`]);
  }, 180_000);

  it('changes only the configs that differ, keeping the topic\'s other settings', async () => {
    const topic = `it-topic-configs-${randomUUID().slice(0, 8)}`;
    own.push(topic);
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '60000' }, { name: 'segment.ms', value: '3600000' }] }],
      waitForLeaders: true,
    });
    const declared = { 'retention.ms': '86400000', 'cleanup.policy': 'delete' };

    const changed = await alignTopicConfigs(connection, [{ name: topic, partitions: 1, replicationFactor: 1, configs: declared }]);
    expect(changed).toEqual([
      {
        topic,
        changes: [
          { name: 'retention.ms', from: '60000', to: '86400000' },
          { name: 'cleanup.policy', from: undefined, to: 'delete' },
        ],
      },
    ]);
    expect((await topicOverrides(admin, [topic])).get(topic)).toEqual({ ...declared, 'segment.ms': '3600000' });
    expect(await alignTopicConfigs(connection, [{ name: topic, partitions: 1, replicationFactor: 1, configs: declared }])).toEqual([]);
  }, 60_000);
});
