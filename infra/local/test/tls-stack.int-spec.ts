import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { AvroSerde, meshSubjects, meshTopics, registerSchemas } from '@claims-mesh/contracts';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { createKafka, ensureTopics, KafkaConnectionOptions, librdkafkaConfig, saslFromEnv, tlsFromEnv } from '@claims-mesh/kafka';
import { redisSecurityFromEnv } from '@claims-mesh/platform';
import { DECIDED_STAGES, decidedLineage, freshClaimRequest, MESH_SERVICES, postClaim, ServiceProcess, STACK_CACHE, waitFor } from '@claims-mesh/testing';
import { TritonClient } from '@claims-mesh/triton';

// `stack up --tls` on a stack of its own (own data dir, ports 196xx, one Triton shard): the shared
// stack on the default ports stays as the other tests use it. Every client is configured from the
// same environment variables the services read; the servers refuse a client that does not trust
// their CA (it cannot tell them from an impostor) and one with a wrong password, and the whole mesh
// decides a claim over these links alone.

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const STACK = join(ROOT, 'infra', 'local', 'stack');
const COMPONENTS = ['kafka', 'registry', 'redis', 'triton'];
const PORT = { kafka: 19692, registry: 19681, redis: 19679, tritonGrpc: 19601 };
const SERVICE_PORT_BASE = 13970;
/** What `stack up --tls` makes at install (infra/local/tls.sh): the CA clients trust. */
const CA = join(STACK_CACHE, 'tls', 'ca.pem');

describe('the TLS stack (stack up --tls, isolated)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stack-tls-'));
  const stackEnv = {
    ...process.env,
    STACK_DATA: dataDir,
    KAFKA_PORT: String(PORT.kafka),
    KAFKA_CONTROLLER_PORT: String(PORT.kafka + 1),
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
    REGISTRY_PORT: String(PORT.registry),
    REGISTRY_MGMT_PORT: String(PORT.registry + 1),
    REDIS_PORT: String(PORT.redis),
    TRITON_GRPC_PORTS: String(PORT.tritonGrpc),
    TRITON_HTTP_PORTS: String(PORT.tritonGrpc - 1),
    TRITON_METRICS_PORTS: String(PORT.tritonGrpc + 1),
  };
  const brokers = `127.0.0.1:${PORT.kafka}`;
  const registryUrl = `https://127.0.0.1:${PORT.registry}/apis/ccompat/v7`;
  const redisUrl = `rediss://127.0.0.1:${PORT.redis}`;
  const tritonAddress = `127.0.0.1:${PORT.tritonGrpc}`;
  const redisPasswordFile = (user: string) => join(dataDir, 'redis', 'secrets', `${user}.password`);

  /** What a service (or tool) of the mesh is given to reach this stack; Redis as `redisUser`, if any. */
  function meshEnv(redisUser?: string): Record<string, string> {
    return {
      KAFKA_BROKERS: brokers,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'mesh',
      KAFKA_SASL_PASSWORD_FILE: join(dataDir, 'kafka', 'secrets', 'mesh.password'),
      KAFKA_SSL_CA_FILE: CA,
      SCHEMA_REGISTRY_URL: registryUrl,
      SCHEMA_REGISTRY_CA_FILE: CA,
      ...(redisUser
        ? { REDIS_URL: redisUrl, REDIS_TLS_CA_FILE: CA, REDIS_USERNAME: redisUser, REDIS_PASSWORD_FILE: redisPasswordFile(redisUser) }
        : {}),
      TRITON_SHARDS: tritonAddress,
      TRITON_TLS_CA_FILE: CA,
      OTEL_SDK_DISABLED: 'true',
    };
  }

  function kafkaConnection(overrides: Partial<KafkaConnectionOptions> = {}): KafkaConnectionOptions {
    const env = meshEnv();
    return { clientId: 'it-tls', brokers, sasl: saslFromEnv(env), tls: tlsFromEnv(env), connectionTimeoutMs: 3000, ...overrides };
  }

  /** A Redis client that gives up at the first refusal instead of retrying, failing with the refusal's reason. */
  async function redisAs(env: Record<string, string>): Promise<Redis> {
    const redis = new Redis(redisUrl, { ...redisSecurityFromEnv(redisUrl, env), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    let refusal: Error | undefined;
    redis.on('error', (error: Error) => (refusal = error));
    try {
      await redis.connect();
      return redis;
    } catch (error) {
      redis.disconnect();
      // connect() itself only says the connection closed.
      throw refusal ?? error;
    }
  }

  /**
   * Rejects when the broker will not let the consumer in (after its 30 s metadata timeout). What
   * connect() rejects with is sometimes only "Broker transport failure", so librdkafka's own log
   * lines (the handshake's reason) are collected into `log` as well.
   */
  async function kafkaConsumerConnects(connection: KafkaConnectionOptions, groupId: string, log: string[] = []): Promise<void> {
    const record = (message: string) => log.push(message);
    const logger = { info: record, warn: record, error: record, debug: () => undefined, setLogLevel: () => undefined };
    const kafka = new KafkaJS.Kafka({ ...librdkafkaConfig(connection), kafkaJS: { logLevel: KafkaJS.logLevel.WARN, logger } } as KafkaJS.CommonConstructorConfig);
    const consumer = kafka.consumer({ kafkaJS: { groupId } });
    try {
      await consumer.connect();
    } finally {
      await consumer.disconnect();
    }
  }

  beforeAll(async () => {
    // Side by side, as the chaos stack starts; the first to get there makes the certificates.
    await Promise.all(COMPONENTS.map((name) => run(STACK, ['up', '--tls', name], { env: stackEnv, timeout: 170_000 })));
  }, 180_000);

  afterAll(async () => {
    await run(STACK, ['down', ...COMPONENTS], { env: stackEnv, timeout: 90_000 }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 100_000);

  it('Kafka (SASL_SSL) refuses a client that does not trust the stack CA, and one with a wrong password', async () => {
    // Side by side: each refusal shows only when librdkafka gives up, 30 s on.
    await Promise.all([
      // TLS with the system's CAs only: the broker's certificate cannot be verified.
      (async () => {
        const log: string[] = [];
        await expect(kafkaConsumerConnects(kafkaConnection({ tls: {} }), 'it-tls-no-ca', log)).rejects.toThrow();
        expect(log.join('\n')).toMatch(/certificate verify failed/);
      })(),
      expect(
        kafkaConsumerConnects(kafkaConnection({ sasl: { mechanism: 'scram-sha-512', username: 'mesh', password: 'not-the-password' } }), 'it-tls-bad-password'),
      ).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|Authentication fail(ed|ure)/i),
    ]);
  }, 60_000);

  describe('Redis (TLS, ACL users)', () => {
    it('refuses a client that does not trust the stack CA', async () => {
      const { REDIS_TLS_CA_FILE: _ca, ...noCa } = meshEnv('feature');
      await expect(redisAs(noCa)).rejects.toThrow(/self-signed certificate/);
    });

    it('refuses a service user with a wrong password', async () => {
      const { REDIS_PASSWORD_FILE: _file, ...env } = meshEnv('feature');
      await expect(redisAs({ ...env, REDIS_PASSWORD: 'not-the-password' })).rejects.toThrow(/WRONGPASS/);
    });

    it("keeps a service to its own keys and away from the server's administration", async () => {
      const redis = await redisAs(meshEnv('feature'));
      try {
        await expect(redis.set('features:it-tls:x', '1', 'PX', 10_000)).resolves.toBe('OK');
        await expect(redis.set('audit:it-tls:x', '1')).rejects.toThrow(/NOPERM/);
        await expect(redis.flushall()).rejects.toThrow(/NOPERM/);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe("Triton's gRPC (TLS)", () => {
    it('answers a client that trusts the stack CA and refuses one that does not', async () => {
      const trusting = new TritonClient({ address: tritonAddress, timeoutMs: 5000, tls: { caFile: CA } });
      const untrusting = new TritonClient({ address: tritonAddress, timeoutMs: 5000, tls: {} });
      try {
        await expect(trusting.serverLive()).resolves.toBe(true);
        await expect(untrusting.serverLive()).rejects.toThrow(/UNAVAILABLE/);
      } finally {
        trusting.close();
        untrusting.close();
      }
    });
  });

  describe('the schema registry (HTTPS)', () => {
    it('refuses a client that does not trust the stack CA', async () => {
      const serde = AvroSerde.forRegistry({ url: registryUrl });
      await expect(serde.writerFor('claims.submitted.v1')).rejects.toThrow(/unable to verify the first certificate/);
    });
  });

  it('decides a claim posted to ingest and shows it in audit, every link over TLS', async () => {
    const admin = createKafka(kafkaConnection()).admin();
    await admin.connect();
    try {
      await ensureTopics(admin, meshTopics());
    } finally {
      await admin.disconnect();
    }
    await registerSchemas({ url: registryUrl, caFile: CA }, meshSubjects());

    // A fresh stack: each service in its default group, from the start of empty topics.
    const services = MESH_SERVICES.map((name, i) =>
      ServiceProcess.start(name, SERVICE_PORT_BASE + i + 1, meshEnv(name === 'inference-gateway' ? undefined : name)),
    );
    const service = (name: string) => services[MESH_SERVICES.indexOf(name)];
    try {
      await Promise.all(
        services.map(async (s) => {
          await s.listening(60_000);
          await waitFor(`${s.name} ready on the TLS stack`, async () => ((await fetch(s.url('/health/ready'))).ok ? true : undefined), 90_000, 500);
        }),
      );
      const claimId = await postClaim(service('ingest').url(''), freshClaimRequest({ policyId: 'pol-tls' }));
      const { stages } = await decidedLineage(service('audit').url(''), claimId);
      expect(stages.map((s) => s.stage).slice(0, 4)).toEqual(DECIDED_STAGES);
      // The mesh's secrets stay out of its logs.
      const secrets = [join(dataDir, 'kafka', 'secrets', 'mesh.password'), ...MESH_SERVICES.filter((n) => n !== 'inference-gateway').map(redisPasswordFile)].map(
        (file) => readFileSync(file, 'utf8').trim(),
      );
      for (const s of services) for (const secret of secrets) expect(s.logs).not.toContain(secret);
    } catch (error) {
      // Which service stood in the way, and why: what each logged at warn level or above.
      for (const s of services) {
        const complaints = s.logs.split('\n').filter((line) => !line.startsWith('{"level":"info"') && !line.startsWith('{"level":"debug"'));
        console.warn(`--- ${s.name} (${s.running ? 'running' : 'exited'}):\n${complaints.slice(-20).join('\n')}`);
      }
      throw error;
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  }, 240_000);
});
