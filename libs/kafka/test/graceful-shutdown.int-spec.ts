import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ClaimSubmitted } from '@claims-mesh/contracts';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { Kafka } from '@claims-mesh/kafka';
import { sampleClaim, ScratchTopics, stack, testKafka, TopicReader, waitFor } from '@claims-mesh/testing';

const WORKER = join(__dirname, 'fixtures', 'transactional-relay.worker.js');

interface Worker {
  child: ChildProcess;
  exited: Promise<number | string>;
  /** Records the worker has handled (printed before they are committed). */
  handled(): number;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [WORKER], {
    env: { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers, SCHEMA_REGISTRY_URL: stack.registryUrl, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let handled = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const match of chunk.toString().matchAll(/handled (\d+)/g)) handled = Math.max(handled, Number(match[1]));
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? '')));
  return { child, exited, handled: () => handled };
}

describe('Transactional transport across SIGTERM and restart (real processes)', () => {
  let kafka: Kafka;
  let admin: KafkaJS.Admin;
  let topics: ScratchTopics;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    topics = new ScratchTopics(admin);
  });

  afterAll(async () => {
    await topics.deleteAll();
    await admin.disconnect();
  });

  it('loses nothing and produces nothing twice when stopped mid-batch and restarted', async () => {
    const input = await topics.create('in');
    const output = await topics.create('out');
    const serde = topics.serde();
    const claims = Array.from({ length: 600 }, () => sampleClaim());
    const producer = kafka.producer({ kafkaJS: { idempotent: true } });
    await producer.connect();
    const messages = await Promise.all(claims.map(async (c) => ({ key: c.claimId, value: await serde.encode(input, c) })));
    await producer.send({ topic: input, messages });
    await producer.disconnect();

    const env = { IN: input, OUT: output, GROUP: `it-relay-${randomUUID()}`, DELAY_MS: '10', MAX_POLL_RECORDS: '60' };
    const reader = await TopicReader.start(kafka, output); // read_committed
    try {
      const first = startWorker(env);
      await waitFor('the first worker to be mid-way', async () => (first.handled() >= 100 ? true : undefined), 60_000, 20);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBeDefined();
      const committedBeforeRestart = reader.messages.length;
      expect(committedBeforeRestart).toBeLessThan(claims.length); // it really stopped mid-way

      const second = startWorker(env);
      await reader.waitForCount(claims.length, 90_000);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // room for any duplicate to show up
      second.child.kill('SIGTERM');
      await second.exited;

      const relayed = await Promise.all(reader.messages.map((m) => serde.decode<ClaimSubmitted>(output, m.value)));
      const ids = relayed.map((c) => c.eventId);
      expect(ids).toHaveLength(claims.length);
      expect(new Set(ids).size).toBe(claims.length);
      expect(new Set(ids)).toEqual(new Set(claims.map((c) => c.eventId)));
    } finally {
      await reader.stop();
    }
  });
});
