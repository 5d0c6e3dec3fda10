import { randomUUID } from 'node:crypto';
import { AvroSerde, ClaimSubmitted } from '@claims-mesh/contracts';
import { DLQ_HEADERS, Kafka, KafkaAdmin } from '@claims-mesh/kafka';
import { commitGroupOffsets, decodeOpened, ServiceProcess, stack, testKafka, testProducer, TopicTail, waitFor } from '@claims-mesh/testing';

const SUBMITTED = 'claims.submitted.v1';
const INBOUND = 'claims.inbound.json.v1';


describe('ingest Kafka paths and backpressure (real Kafka, registry, Redis)', () => {
  let kafka: Kafka;
  let admin: KafkaAdmin;
  const serde = AvroSerde.forRegistry(stack.registryUrl);

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it('republishes a JSON claim from claims.inbound.json.v1 as Avro and dead-letters a bad one with the reason', async () => {
    const ingest = ServiceProcess.start('ingest', 13111, { KAFKA_GROUP_ID: `ingest-it-${randomUUID()}` });
    const submitted = await TopicTail.start(kafka, [SUBMITTED]);
    const dlq = await TopicTail.start(kafka, [`${INBOUND}.dlq`]);
    const producer = testProducer(kafka);
    try {
      await ingest.listening();
      await producer.connect();
      const claimId = randomUUID();
      const good = {
        claimId,
        customerId: 'cust-json',
        policyId: 'pol-json',
        policyStartDate: '2024-02-29',
        product: 'laptop',
        amountMinor: 120000,
        currency: 'GBP',
        channel: 'PARTNER_API',
        description: 'Keyboard stopped working.',
        mediaCount: 0,
        serialNumber: 'LT-1',
        region: 'UK',
      };
      const badKey = randomUUID();
      await producer.send({
        topic: INBOUND,
        messages: [
          { key: claimId, value: JSON.stringify(good), headers: { 'source-system': 'legacy-crm' } },
          { key: badKey, value: JSON.stringify({ ...good, amountMinor: 'lots' }) },
          { key: badKey, value: '{not json' },
        ],
      });

      const published = await waitFor('the canonical claim', async () => {
        const m = submitted.byKey(SUBMITTED).get(claimId)?.[0];
        return m ? decodeOpened<ClaimSubmitted>(serde, SUBMITTED, m.value) : undefined;
      });
      expect(published).toEqual(expect.objectContaining({ claimId, customerId: 'cust-json', amountMinor: 120000, channel: 'PARTNER_API', submittedBy: 'legacy-crm' }));

      const letters = await waitFor('two dead letters', async () => {
        const mine = dlq.byKey(`${INBOUND}.dlq`).get(badKey) ?? [];
        return mine.length >= 2 ? mine : undefined;
      });
      const reasons = letters.map((m) => m.headers?.[DLQ_HEADERS.errorMessage]?.toString());
      expect(reasons).toEqual(expect.arrayContaining([expect.stringContaining('amountMinor'), expect.stringContaining('not JSON')]));
      expect(letters.map((m) => m.headers?.[DLQ_HEADERS.service]?.toString())).toEqual(['ingest', 'ingest']);
    } finally {
      await producer.disconnect();
      await submitted.stop();
      await dlq.stop();
      await ingest.stop();
    }
  });

  it('answers 429 with Retry-After while the downstream group lags past the bound, and recovers when it catches up', async () => {
    const group = `it-lagging-${randomUUID()}`;
    // The watched group has committed offset 0 everywhere: every record of the topic is lag.
    const ends = await admin.fetchTopicOffsets(SUBMITTED);
    await commitGroupOffsets(group, ends.map((e) => ({ topic: SUBMITTED, partition: e.partition, offset: e.low })));
    const ingest = ServiceProcess.start('ingest', 13112, {
      DOWNSTREAM_GROUP: group,
      MAX_DOWNSTREAM_LAG: '1',
      LAG_POLL_INTERVAL_MS: '200',
      RETRY_AFTER_SECONDS: '3',
      KAFKA_GROUP_ID: `ingest-it-${randomUUID()}`,
    });
    try {
      await ingest.listening();
      const send = () =>
        fetch(ingest.url('/v1/claims'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'dev-ingest-key' },
          body: JSON.stringify({
            customerId: 'c-lag', policyId: 'p', policyStartDate: '2025-01-01', product: 'phone', amountMinor: 1,
            currency: 'EUR', channel: 'WEB', description: 'd', mediaCount: 0, serialNumber: 's', region: 'EU',
          }),
        });
      // Two accepted claims make sure the topic holds more than the bound.
      await send();
      await send();
      const shed = await waitFor('a 429', async () => {
        const res = await send();
        return res.status === 429 ? res : undefined;
      }, 10_000, 100);
      expect(shed.headers.get('retry-after')).toBe('3');
      expect(await shed.json()).toEqual(expect.objectContaining({ error: 'too_many_requests', reason: 'downstream_lag' }));

      // The group catches up and keeps up: it commits the topic's ends again before each try, as
      // a live consumer would, so records other suites' processes still produce to this shared
      // topic cannot hold the lag above the bound of 1.
      const catchUp = async () => {
        const ends = await admin.fetchTopicOffsets(SUBMITTED);
        await commitGroupOffsets(group, ends.map((e) => ({ topic: SUBMITTED, partition: e.partition, offset: e.high })));
      };
      await waitFor('202 again', async () => {
        await catchUp();
        return (await send()).status === 202 ? true : undefined;
      }, 10_000, 200);
    } finally {
      await ingest.stop();
    }
  });
});
