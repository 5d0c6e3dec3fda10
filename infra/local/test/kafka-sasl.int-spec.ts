import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { meshTopics } from '@claims-mesh/contracts';
import { createKafka, ensureTopics, Kafka, saslFromEnv } from '@claims-mesh/kafka';
import { ServiceProcess, waitFor } from '@claims-mesh/testing';

// `stack up --auth` on a broker of its own (own data dir and ports): the shared broker of the
// other tests is never restarted. Clients authenticate with SCRAM-SHA-512 configured from the
// environment; a client without credentials, or with a wrong password, is refused by the broker.

const run = promisify(execFile);
const STACK = join(__dirname, '..', 'stack');
const PORT = 19192;
const BROKERS = `127.0.0.1:${PORT}`;

describe('Kafka with SASL/SCRAM (stack up --auth, isolated broker)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stack-auth-'));
  const stackEnv = {
    ...process.env,
    STACK_DATA: dataDir,
    KAFKA_PORT: String(PORT),
    KAFKA_CONTROLLER_PORT: String(PORT + 1),
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
  };
  const passwordFile = join(dataDir, 'kafka', 'secrets', 'mesh.password');
  const clientEnv = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'mesh', KAFKA_SASL_PASSWORD_FILE: passwordFile };
  const password = () => readFileSync(passwordFile, 'utf8').trim();

  /**
   * A client with these credentials (none: those of the environment, which has none, as the
   * services started without credentials below rely on too) that gives up connecting quickly.
   */
  function client(sasl: ReturnType<typeof saslFromEnv>): Kafka {
    return createKafka({ clientId: 'it-sasl', brokers: BROKERS, sasl, connectionTimeoutMs: 3000 });
  }

  beforeAll(async () => {
    await run(STACK, ['up', '--auth', 'kafka'], { env: stackEnv, timeout: 150_000 });
  }, 160_000);

  afterAll(async () => {
    await run(STACK, ['down', 'kafka'], { env: stackEnv, timeout: 60_000 }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 70_000);

  it('lets a client configured from the environment create a topic, produce and consume', async () => {
    const kafka = createKafka({ clientId: 'it-sasl', brokers: BROKERS, sasl: saslFromEnv(clientEnv) });
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ kafkaJS: { groupId: 'it-sasl', fromBeginning: true } });
    await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
    try {
      await ensureTopics(admin, [{ name: 'it.sasl', partitions: 1, replicationFactor: 1, configs: {} }]);
      await producer.send({ topic: 'it.sasl', messages: [{ key: 'k', value: 'authenticated' }] });
      const seen: string[] = [];
      await consumer.subscribe({ topics: ['it.sasl'] });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
      await waitFor('the record back', async () => (seen.length ? seen : undefined), 30_000);
      expect(seen).toEqual(['authenticated']);
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect(), consumer.disconnect()]);
    }
  }, 60_000);

  it('refuses a client without credentials', async () => {
    const admin = client(undefined).admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow();
    await admin.disconnect();
  });

  it('refuses a client with a wrong password', async () => {
    // An admin client connects without a request to the broker; a consumer's connect logs in and
    // fails with the broker's refusal (librdkafka's "Authentication failure", once its metadata request gives up).
    const consumer = client({ mechanism: 'scram-sha-512', username: 'mesh', password: 'not-the-password' }).consumer({
      kafkaJS: { groupId: 'it-sasl-refused' },
    });
    await expect(consumer.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|Authentication fail(ed|ure)/i);
    await consumer.disconnect();
  });

  it('runs a service whose Kafka clients log in from KAFKA_SASL_* and never logs the password', async () => {
    const kafka = createKafka({ clientId: 'it-sasl', brokers: BROKERS, sasl: saslFromEnv(clientEnv) });
    const admin = kafka.admin();
    await admin.connect();
    // Every topic ingest reads or writes: its inbound JSON, and the claims' topics its status view follows.
    await ensureTopics(admin, meshTopics().filter((t) => t.kind !== 'control'));
    await admin.disconnect();
    const ingest = ServiceProcess.start('ingest', 13991, { KAFKA_BROKERS: BROKERS, ...clientEnv });
    try {
      await ingest.listening(60_000);
      // Two consumer groups (claims and status view) join on a broker that has just created its offsets topic.
      await waitFor('ingest ready against the SCRAM broker', async () => ((await fetch(ingest.url('/health/ready'))).status === 200 ? true : undefined), 60_000);
    } finally {
      await ingest.stop();
    }
    expect(ingest.logs).not.toContain(password());
    expect(readFileSync(join(dataDir, 'logs', 'kafka.log'), 'utf8')).not.toContain(password());
  }, 150_000);

  it('keeps a service without credentials from becoming ready', async () => {
    const ingest = ServiceProcess.start('ingest', 13992, { KAFKA_BROKERS: BROKERS });
    try {
      await ingest.listening(60_000);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect((await fetch(ingest.url('/health/ready'))).status).toBe(503);
    } finally {
      await ingest.stop();
    }
  }, 90_000);
});
