// create-topics on the real broker: every topic of topics.json ends up with the retention and
// cleanup policy it declares, a topic whose configs drifted is brought back, and a second run
// changes nothing.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { meshTopics } from '@claims-mesh/contracts';
import { KAFKA_TOOLS_CLASSPATH, stack } from '@claims-mesh/testing';
import { createKafka, type KafkaAdmin } from '../src/connection';
import { alignTopicConfigs, topicOverrides } from '../src/admin/topic-configs';

const run = promisify(execFile);
const CLI = join(__dirname, '..', 'dist', 'admin', 'create-topics.cli.js');
const connection = { clientId: 'it-topic-configs', brokers: stack.kafkaBrokers };
/** The stack's Kafka jars, as the Makefile gives them to create-topics. */
const tools = { classpath: KAFKA_TOOLS_CLASSPATH };

async function createTopics(): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI], { env: { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers, KAFKA_TOOLS_CLASSPATH: tools.classpath }, timeout: 120_000 });
  return stdout;
}

/** An operator's change by hand, with Kafka's own tool. */
async function setByHand(topic: string, config: string): Promise<void> {
  await run('java', ['-cp', tools.classpath, 'kafka.admin.ConfigCommand', '--bootstrap-server', stack.kafkaBrokers, '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', config], { timeout: 60_000 });
}

describe('create-topics: retention and cleanup policy of topics.json, enforced (real broker)', () => {
  let admin: KafkaAdmin;
  const own: string[] = [];

  beforeAll(async () => {
    admin = createKafka(connection).admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (own.length > 0) await admin.deleteTopics({ topics: own });
    await admin.disconnect();
  });

  it('brings a topic whose retention was changed by hand back to topics.json, and a second run changes nothing', async () => {
    await createTopics();
    const drifted = 'claims.scored.shadow.v1';
    await setByHand(drifted, 'retention.ms=1234567');
    expect((await topicOverrides(connection, tools)).get(drifted)?.['retention.ms']).toBe('1234567');

    const first = await createTopics();
    expect(first).toContain(`[topics] ${drifted}: retention.ms 1234567 -> `);

    const topics = meshTopics();
    const onBroker = await topicOverrides(connection, tools);
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
    });
    const declared = { 'retention.ms': '86400000', 'cleanup.policy': 'delete' };

    const changed = await alignTopicConfigs(connection, [{ name: topic, partitions: 1, replicationFactor: 1, configs: declared }], tools);
    expect(changed).toEqual([
      {
        topic,
        changes: [
          { name: 'retention.ms', from: '60000', to: '86400000' },
          { name: 'cleanup.policy', from: undefined, to: 'delete' },
        ],
      },
    ]);
    expect((await topicOverrides(connection, tools)).get(topic)).toEqual({ ...declared, 'segment.ms': '3600000' });
    expect(await alignTopicConfigs(connection, [{ name: topic, partitions: 1, replicationFactor: 1, configs: declared }], tools)).toEqual([]);
  }, 60_000);
});
