import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics, Kafka, KafkaAdmin, KafkaMessage } from '@claims-mesh/kafka';
import { stack, testProducer, waitFor } from '@claims-mesh/testing';

describe('Kafka broker of the local stack', () => {
  let kafka: Kafka;
  let admin: KafkaAdmin;
  const topic = `it.stack.${randomUUID()}`;

  beforeAll(async () => {
    kafka = createKafka({ clientId: 'it-stack', brokers: stack.kafkaBrokers });
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 3, replicationFactor: 1, configs: {} }]);
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('delivers a produced record to a consumer with its key, value and headers intact', async () => {
    const producer = testProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'claim-42', value: Buffer.from([0, 1, 2, 255]), headers: { traceparent: 'tp-1', 'x-n': 'é' } }],
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ kafkaJS: { groupId: `it-stack-${randomUUID()}`, fromBeginning: true } });
    const received: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    try {
      const message = await waitFor('the record', async () => received[0]);
      expect(message.key?.toString()).toBe('claim-42');
      expect([...(message.value ?? [])]).toEqual([0, 1, 2, 255]);
      expect(message.headers?.traceparent?.toString()).toBe('tp-1');
      expect(message.headers?.['x-n']?.toString()).toBe('é');
    } finally {
      await consumer.disconnect();
    }
  });

  it('has every mesh topic and its dead-letter twin', async () => {
    const { meshTopics } = await import('@claims-mesh/contracts');
    const existing = new Set(await admin.listTopics());
    const missing = meshTopics()
      .map((t) => t.name)
      .filter((name) => !existing.has(name));
    expect(missing).toEqual([]);
  });
});
