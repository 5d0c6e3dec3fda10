import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { AvroSerde, ClaimSubmitted } from '@claims-mesh/contracts';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { BatchResult, DLQ_HEADERS, InboundRecord, InvalidRecordError, Kafka, OutboundRecord } from '@claims-mesh/kafka';
import { sampleClaim, ScratchTopics, stack, testKafka, TopicReader, waitFor } from '@claims-mesh/testing';
import Redis from 'ioredis';
import { runConsumer, RunningConsumer } from './transport-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Kafka transport (real broker and registry)', () => {
  let kafka: Kafka;
  let admin: KafkaJS.Admin;
  let producer: KafkaJS.Producer;
  let topics: ScratchTopics;
  let serde: AvroSerde;
  let input: string;
  let output: string;
  const running: RunningConsumer[] = [];
  const readers: TopicReader[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  beforeEach(async () => {
    // A fresh admin and producer per test: a client keeps refreshing metadata of every topic it
    // ever touched, and the previous test's topics are deleted.
    admin = kafka.admin();
    await admin.connect();
    topics = new ScratchTopics(admin);
    serde = topics.serde();
    input = await topics.create('in');
    output = await topics.create('out');
    producer = kafka.producer({ kafkaJS: { idempotent: true } });
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.app.close()));
    await Promise.all(readers.splice(0).map((r) => r.stop()));
    await producer.disconnect();
    await topics.deleteAll();
    await admin.disconnect();
  });

  async function send(claims: ClaimSubmitted[], partition?: number, headers?: Record<string, string>) {
    const messages = await Promise.all(
      claims.map(async (c) => ({ key: c.claimId, value: await serde.encode(input, c), partition, headers })),
    );
    await producer.send({ topic: input, messages });
  }

  async function read(topic: string): Promise<TopicReader> {
    const reader = await TopicReader.start(kafka, topic);
    readers.push(reader);
    return reader;
  }

  function relay(record: InboundRecord<ClaimSubmitted>): OutboundRecord {
    return { topic: output, key: record.key ?? '', value: { ...record.value, submittedBy: 'relay' } };
  }

  it('dead-letters a poison record with its bytes and the reasons in headers, and keeps the partition flowing', async () => {
    @Controller()
    class Relay {
      @EventPattern(input)
      handle(record: InboundRecord<ClaimSubmitted>) {
        if (record.value.product === 'refused') throw new InvalidRecordError('product "refused" is not insured');
        return relay(record);
      }
    }
    const good = [sampleClaim(), sampleClaim()];
    const refused = sampleClaim({ product: 'refused' });
    const garbage = Buffer.from('not avro at all');
    await send([good[0]], 0);
    await producer.send({ topic: input, messages: [{ key: 'poison', value: garbage, partition: 0, headers: { origin: 'fuzzer' } }] });
    await send([refused, good[1]], 0);

    running.push(await runConsumer(Relay, serde, { groupId: `it-${randomUUID()}` }));
    const outputs = await (await read(output)).waitForCount(2);
    const letters = await (await read(`${input}.dlq`)).waitForCount(2);

    const decoded = await Promise.all(outputs.map((m) => serde.decode<ClaimSubmitted>(output, m.value)));
    expect(decoded.map((c) => c.claimId).sort()).toEqual(good.map((c) => c.claimId).sort());

    // Dead letters keep their original keys, so they may sit on different DLQ partitions.
    const bySourceOffset = (m: (typeof letters)[number]) => Number(m.headers?.[DLQ_HEADERS.sourceOffset]?.toString());
    const [poison, invalid] = [...letters].sort((a, b) => bySourceOffset(a) - bySourceOffset(b));
    expect(poison.value?.equals(garbage)).toBe(true);
    expect(poison.key?.toString()).toBe('poison');
    const h = (name: string, m = poison) => m.headers?.[name]?.toString();
    expect(h('origin')).toBe('fuzzer');
    expect(h(DLQ_HEADERS.errorClass)).toBe('WireFormatError');
    expect(h(DLQ_HEADERS.errorMessage)).toMatch(/BAD_MAGIC_BYTE/);
    expect(h(DLQ_HEADERS.sourceTopic)).toBe(input);
    expect(h(DLQ_HEADERS.sourcePartition)).toBe('0');
    expect(h(DLQ_HEADERS.sourceOffset)).toBe('1');
    expect(h(DLQ_HEADERS.service)).toBe('it-service');
    expect(Date.now() - Date.parse(h(DLQ_HEADERS.failedAt) ?? '')).toBeLessThan(60_000);
    expect(h(DLQ_HEADERS.errorClass, invalid)).toBe('InvalidRecordError');
    expect(h(DLQ_HEADERS.errorMessage, invalid)).toBe('product "refused" is not insured');
    expect(await serde.decode<ClaimSubmitted>(input, invalid.value)).toEqual(refused);
  });

  it('keeps per-key order while partitions are processed concurrently', async () => {
    const seen = new Map<string, number[]>();
    @Controller()
    class Ordered {
      @EventPattern(input)
      async handle(record: InboundRecord<ClaimSubmitted>) {
        await sleep(Math.random() * 3);
        const list = seen.get(record.key ?? '') ?? [];
        list.push(record.value.mediaCount);
        seen.set(record.key ?? '', list);
        return relay(record);
      }
    }
    const keys = Array.from({ length: 12 }, () => randomUUID());
    const claims = Array.from({ length: 10 }, (_, seq) => keys.map((claimId) => sampleClaim({ claimId, mediaCount: seq }))).flat();
    await send(claims);

    running.push(await runConsumer(Ordered, serde, { groupId: `it-${randomUUID()}` }));
    const outputs = await (await read(output)).waitForCount(claims.length);

    for (const key of keys) expect(seen.get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const outputOrder = new Map<string, number[]>();
    for (const m of outputs) {
      const c = await serde.decode<ClaimSubmitted>(output, m.value);
      outputOrder.set(c.claimId, [...(outputOrder.get(c.claimId) ?? []), c.mediaCount]);
    }
    for (const key of keys) expect(outputOrder.get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('retries a transient failure with backoff and produces the output once, with no dead letter', async () => {
    let failuresLeft = 2;
    @Controller()
    class Flaky {
      @EventPattern(input)
      handle(record: InboundRecord<ClaimSubmitted>) {
        if (failuresLeft-- > 0) throw new Error('feature store timed out');
        return relay(record);
      }
    }
    await send([sampleClaim()]);
    const consumer = await runConsumer(Flaky, serde, { groupId: `it-${randomUUID()}` });
    running.push(consumer);
    await (await read(output)).waitForCount(1);
    await sleep(500);
    expect((await read(output)).messages.length).toBeLessThanOrEqual(1);
    expect(await consumer.metricValue('kafka_handler_retries_total')).toBe(2);
    expect(await consumer.metricValue('kafka_dlq_records_total')).toBe(0);
  });

  it('names a partition whose batch has made no progress for longer than the limit, and clears it once the batch gets through', async () => {
    let storeDown = true;
    @Controller()
    class Stuck {
      @EventPattern(input)
      handle(record: InboundRecord<ClaimSubmitted>) {
        if (storeDown) throw new Error('feature store unreachable');
        return relay(record);
      }
    }
    await send([sampleClaim()], 1);
    const consumer = await runConsumer(Stuck, serde, { groupId: `it-${randomUUID()}` });
    running.push(consumer);
    expect(consumer.transport.stalledBatches(60_000)).toEqual([]);

    const [stalled] = await waitFor('the stuck batch to pass 1 s', async () => {
      const batches = consumer.transport.stalledBatches(1_000);
      return batches.length > 0 ? batches : undefined;
    });
    expect(stalled.partition).toBe(`${input}/1`);
    expect(await consumer.metricValue('kafka_handler_retries_total')).toBeGreaterThan(1);

    storeDown = false;
    await (await read(output)).waitForCount(1);
    await waitFor('the batch to finish', async () => consumer.transport.stalledBatches(0).length === 0 || undefined);
  });

  it('absorbs a duplicate delivery in an idempotent handler (Redis SET NX on the event id)', async () => {
    const redis = new Redis(stack.redisUrl);
    const namespace = `it:processed:${randomUUID()}`;
    @Controller()
    class Idempotent {
      @EventPattern(input)
      async handle(record: InboundRecord<ClaimSubmitted>) {
        const first = await redis.set(`${namespace}:${record.value.eventId}`, '1', 'EX', 600, 'NX');
        return first ? relay(record) : [];
      }
    }
    const claim = sampleClaim();
    await send([claim, claim], 0); // the same event delivered twice
    const consumer = await runConsumer(Idempotent, serde, { groupId: `it-${randomUUID()}` });
    running.push(consumer);
    await waitFor('both deliveries consumed', async () =>
      (await consumer.metricValue('kafka_consumer_records_total')) >= 2 ? true : undefined,
    );
    const reader = await read(output);
    await reader.waitForCount(1);
    await sleep(500);
    expect(reader.messages).toHaveLength(1);
    await redis.quit();
  });

  it('carries the W3C trace context from the consumed record to the records it produces', async () => {
    @Controller()
    class Relay {
      @EventPattern(input)
      handle(record: InboundRecord<ClaimSubmitted>) {
        return relay(record);
      }
    }
    const traceId = randomUUID().replace(/-/g, '');
    await send([sampleClaim()], undefined, { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, tracestate: 'mesh=1' });
    running.push(await runConsumer(Relay, serde, { groupId: `it-${randomUUID()}` }));
    const [out] = await (await read(output)).waitForCount(1);
    expect(out.headers?.traceparent?.toString()).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(out.headers?.tracestate?.toString()).toBe('mesh=1');
  });

  it('pauses consumption when in-flight records pass the bound, then resumes and finishes', async () => {
    @Controller()
    class SlowBatch {
      @EventPattern(input, { batch: true })
      async handle(records: InboundRecord<ClaimSubmitted>[]): Promise<BatchResult> {
        await sleep(100);
        return { outputs: records.map((r) => ({ ...relay(r), causedBy: r })) };
      }
    }
    const claims = Array.from({ length: 300 }, () => sampleClaim());
    await send(claims);
    const consumer = await runConsumer(SlowBatch, serde, {
      groupId: `it-${randomUUID()}`,
      maxInFlightRecords: 20,
    });
    running.push(consumer);
    await (await read(output)).waitForCount(claims.length, 60_000);
    expect(await consumer.metricValue('kafka_consumer_pauses_total')).toBeGreaterThan(0);
    expect(await consumer.metricValue('kafka_consumer_paused')).toBe(0);
  });

  it('hands a batch handler of two topics their records in shared calls, in each partition order, and commits outputs and dead letters in transactions', async () => {
    const second = await topics.create('in2');
    const calls: { topic: string; partition: number; offset: number }[][] = [];
    @Controller()
    class TwoTopics {
      @EventPattern([input, second], { batch: true })
      handle(records: InboundRecord<ClaimSubmitted>[]): BatchResult {
        calls.push(records.map((r) => ({ topic: r.topic, partition: r.partition, offset: Number(r.offset) })));
        const refused = records.filter((r) => r.value.product === 'refused');
        return {
          outputs: records.filter((r) => !refused.includes(r)).map((r) => ({ ...relay(r), causedBy: r })),
          rejected: refused.map((record) => ({ record, error: new InvalidRecordError('product "refused" is not insured') })),
        };
      }
    }
    const claims = Array.from({ length: 40 }, (_, i) => sampleClaim({ product: i % 10 === 0 ? 'refused' : 'phone' }));
    const encoded = await Promise.all(claims.map(async (c) => ({ key: c.claimId, value: await serde.encode(input, c) })));
    await producer.send({ topic: input, messages: encoded.slice(0, 20) });
    await producer.send({ topic: second, messages: encoded.slice(20) });

    const consumer = await runConsumer(TwoTopics, serde, { groupId: `it-${randomUUID()}`, transactional: true, instanceId: randomUUID() });
    running.push(consumer);
    const outputs = await (await read(output)).waitForCount(36);
    const letters = await (await read(`${input}.dlq`)).waitForCount(2);
    const secondLetters = await (await read(`${second}.dlq`)).waitForCount(2);
    await sleep(500);

    const relayed = await Promise.all(outputs.map((m) => serde.decode<ClaimSubmitted>(output, m.value)));
    expect(relayed.map((c) => c.claimId).sort()).toEqual(claims.filter((c) => c.product !== 'refused').map((c) => c.claimId).sort());
    expect(letters).toHaveLength(2);
    expect(secondLetters).toHaveLength(2);
    expect(calls.some((call) => new Set(call.map((r) => r.topic)).size === 2)).toBe(true);
    const lastOffset = new Map<string, number>();
    for (const record of calls.flat()) {
      const lane = `${record.topic}/${record.partition}`;
      expect(record.offset).toBeGreaterThan(lastOffset.get(lane) ?? -1);
      lastOffset.set(lane, record.offset);
    }
    expect(await consumer.metricValue('kafka_transactions_total', { outcome: 'committed' })).toBeGreaterThan(0);
    expect(await consumer.metricValue('kafka_transactions_total', { outcome: 'aborted' })).toBe(0);
  });
});
