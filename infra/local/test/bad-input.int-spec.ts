import { randomUUID } from 'node:crypto';
import { AvroSerde, dlqTopicOf } from '@claims-mesh/contracts';
import { DLQ_HEADERS, Kafka, KafkaProducer, PRODUCER_DEFAULTS } from '@claims-mesh/kafka';
import {
  BadHttpRequest,
  badHttpRequests,
  badKafkaRecords,
  claimRequest,
  INBOUND_AVRO_TOPIC,
  INBOUND_JSON_TOPIC,
  Mesh,
  MESH_SERVICES,
  RawHttpClient,
  RawResponse,
  sampleClaim,
  stack,
  testKafka,
  TopicTail,
  waitFor,
} from '@claims-mesh/testing';

// Ten thousand malformed requests to ingest and hundreds of malformed records on every consumed
// topic, with good claims interleaved, through the whole mesh as real processes: every bad input
// is refused (4xx with a JSON error, or a dead letter with its reason), every good claim is
// decided, no service dies, and no personal data or API key reaches a log.

const SEED = Number(process.env.BAD_INPUT_SEED ?? 20_261_121);
const HTTP_CASES = 10_000;
const KAFKA_PER_TOPIC = 64;
/** One good claim after every this many bad requests. */
const GOOD_EVERY = 50;
const INGEST_KEY = 'dev-ingest-key';
const DECIDED = 'claims.decided.v1';

/** Who dead-letters a bad record of each consumed topic: its service, and audit for the Avro topics but the entrances (upstream's plaintext). */
const CONSUMERS: Record<string, string[]> = {
  [INBOUND_JSON_TOPIC]: ['ingest'],
  [INBOUND_AVRO_TOPIC]: ['ingest'],
  'claims.submitted.v1': ['feature', 'audit'],
  'claims.enriched.v1': ['inference-gateway', 'audit'],
  'claims.scored.v1': ['decision', 'audit'],
  'claims.decided.v1': ['human-task', 'audit'],
  'reviews.completed.v1': ['decision', 'audit'],
  'claims.evidence.v1': ['decision', 'audit'],
};

/** Personal data of one good claim, unique to this run, so a log line holding it can only come from here. */
function personalData(run: string, n: number) {
  return {
    customerId: `cust-pii-${run}-${n}`,
    customerEmail: `pii.${run}.${n}@example.test`,
    policyId: `pol-pii-${run}-${n}`,
    description: `Dropped it in the lake near Piiville ${run}-${n}.`,
    serialNumber: `SN-PII-${run}-${n}`,
  };
}

/** Why a response to a bad request is wrong, or undefined when it is a proper refusal. */
function refusalProblem(res: RawResponse): string | undefined {
  if (![400, 413, 415].includes(res.status)) return `status ${res.status}`;
  if (!String(res.headers['content-type']).startsWith('application/json')) return `content-type ${res.headers['content-type']}`;
  let body: { error?: unknown; message?: unknown; fields?: { field?: unknown; problem?: unknown }[] };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    return `body is not JSON: ${res.body.slice(0, 80)}`;
  }
  if (typeof body.error !== 'string' || typeof body.message !== 'string' || !body.message) return 'no error/message';
  if (body.error === 'validation_failed' && !(body.fields?.length && body.fields.every((f) => typeof f.field === 'string' && typeof f.problem === 'string'))) {
    return 'validation error without fields';
  }
  return undefined;
}

/** Runs `work` over `items` with `concurrency` in flight. */
async function pool<T>(items: Iterable<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('bad input never harms the mesh (all six services, real stack)', () => {
  const run = randomUUID().slice(0, 8);
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  let mesh: Mesh;
  let kafka: Kafka;
  let producer: KafkaProducer;
  let tail: TopicTail;
  let http: RawHttpClient;
  /** Good claims sent during the run, by id, with the personal data they carried. */
  const good = new Map<string, ReturnType<typeof personalData>>();
  let goodCount = 0;
  /** Jaeger searches take microseconds since the epoch. */
  const startedMicros = Date.now() * 1000;

  beforeAll(async () => {
    kafka = testKafka();
    // As the mesh's producers, and never creating a topic a record names.
    producer = kafka.producer({ ...PRODUCER_DEFAULTS, 'allow.auto.create.topics': false });
    const dlqs = Object.keys(CONSUMERS).map(dlqTopicOf);
    [tail, mesh] = await Promise.all([TopicTail.start(kafka, [DECIDED, ...dlqs]), Mesh.start(14100), producer.connect()]);
    http = new RawHttpClient(mesh.service('ingest').url('/'), 16);
  }, 120_000);

  afterAll(async () => {
    http?.close();
    await mesh?.stop();
    await Promise.all([tail?.stop(), producer?.disconnect()]);
  });

  function nextGood() {
    const pii = personalData(run, goodCount++);
    return { claimId: randomUUID(), pii };
  }

  async function submitGoodOverHttp(): Promise<void> {
    const { claimId, pii } = nextGood();
    const res = await http.send('POST', '/v1/claims', { 'content-type': 'application/json', 'x-api-key': INGEST_KEY }, Buffer.from(JSON.stringify(claimRequest({ claimId, ...pii }))));
    expect(res.status).toBe(202);
    good.set(claimId, pii);
  }

  it('refuses every malformed request with a 4xx JSON error, and accepts the good claims between them', async () => {
    const failures: { kind: string; problem: string }[] = [];
    const kinds = new Map<string, number>();
    let n = 0;
    const cases = badHttpRequests(SEED, HTTP_CASES, 1_048_576, 1000);
    const started = Date.now();
    await pool(cases, 16, async (request: BadHttpRequest) => {
      if (++n % GOOD_EVERY === 0) await submitGoodOverHttp();
      kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
      let problem: string | undefined;
      try {
        const res = await http.send('POST', request.path, { ...request.headers, 'x-api-key': INGEST_KEY }, request.body);
        problem = refusalProblem(res);
        if (problem) problem += ` ${res.body.slice(0, 160)}`;
      } catch (error) {
        problem = `no answer: ${(error as Error).message}`;
      }
      if (problem) failures.push({ kind: request.kind, problem });
    });
    console.warn(
      `bad-input HTTP: ${n} malformed requests + ${good.size} good claims in ${Date.now() - started} ms; by kind ${JSON.stringify(Object.fromEntries(kinds))}`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(failures).toHaveLength(0);
  }, 120_000);

  it('dead-letters every malformed record of every consumed topic with its reason, and processes the good ones between them', async () => {
    const bad = await badKafkaRecords(SEED, serde, KAFKA_PER_TOPIC);
    const goodJson: { topic: string; messages: { key: string; value: Buffer }[] } = { topic: INBOUND_JSON_TOPIC, messages: [] };
    const goodAvro: { topic: string; messages: { key: string; value: Buffer }[] } = { topic: 'claims.submitted.v1', messages: [] };
    const goodUpstreamAvro: { topic: string; messages: { key: string; value: Buffer }[] } = { topic: INBOUND_AVRO_TOPIC, messages: [] };
    for (let i = 0; i < 20; i++) {
      const json = nextGood();
      goodJson.messages.push({ key: json.claimId, value: Buffer.from(JSON.stringify(claimRequest({ claimId: json.claimId, ...json.pii }))) });
      good.set(json.claimId, json.pii);
      const avro = nextGood();
      goodAvro.messages.push({ key: avro.claimId, value: (await serde.encode('claims.submitted.v1', sampleClaim({ claimId: avro.claimId, ...avro.pii }))) as Buffer });
      good.set(avro.claimId, avro.pii);
      const upstream = nextGood();
      const upstreamClaim = sampleClaim({ claimId: upstream.claimId, ...upstream.pii, submittedBy: 'bad-input-upstream' });
      goodUpstreamAvro.messages.push({ key: upstream.claimId, value: (await serde.encode(INBOUND_AVRO_TOPIC, upstreamClaim)) as Buffer });
      good.set(upstream.claimId, upstream.pii);
    }
    // Bad and good records in the same partitions, the good ones after bad ones: a bad record must not hold them up.
    const byTopic = new Map<string, { key: string; value: Buffer | null }[]>();
    for (const record of bad) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), { key: record.key, value: record.value }]);
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    await producer.sendBatch({ topicMessages: [goodJson, goodAvro, goodUpstreamAvro] });
    console.warn(`bad-input Kafka: ${bad.length} malformed records on ${byTopic.size} topics + 60 good claims`);

    const missing = () =>
      bad.flatMap((record) => {
        const letters = tail.byKey(dlqTopicOf(record.topic)).get(record.key) ?? [];
        return CONSUMERS[record.topic]
          .filter((service) => !letters.some((m) => m.headers?.[DLQ_HEADERS.service]?.toString() === service))
          .map((service) => `${record.kind} on ${record.topic} by ${service}`);
      });
    // Generous: audit follows every topic, and on two cores it can trail the others by a minute.
    await waitFor(`every dead letter (missing ${missing().length})`, async () => (missing().length === 0 ? true : undefined), 180_000, 1000).catch(async () => {
      // What the late services say of themselves (readiness names a stuck partition), and their last logs, to find why.
      const late = [...new Set(missing().map((line) => line.split(' by ').pop() as string))];
      const reports = await Promise.all(
        late.map(async (name) => {
          const service = mesh.service(name);
          const ready = await fetch(service.url('/health/ready')).then((res) => res.text(), (error: Error) => error.message);
          return `${name} ready: ${ready}\n${name} log tail:\n${service.logs.split('\n').slice(-40).join('\n')}`;
        }),
      );
      throw new Error(`dead letters missing: ${missing().slice(0, 20).join(', ')} (${missing().length} in all)\n${reports.join('\n')}`);
    });
    for (const record of bad) {
      for (const letter of tail.byKey(dlqTopicOf(record.topic)).get(record.key) ?? []) {
        expect(letter.headers?.[DLQ_HEADERS.errorMessage]?.toString()).toEqual(expect.stringMatching(/\S/));
        expect(letter.headers?.[DLQ_HEADERS.sourceTopic]?.toString()).toBe(record.topic);
      }
    }
  }, 240_000);

  it('decides every good claim sent between the bad inputs', async () => {
    const decided = () => new Set(tail.byKey(DECIDED).keys());
    const undecided = () => [...good.keys()].filter((id) => !decided().has(id));
    await waitFor(`all ${good.size} good claims decided`, async () => (undecided().length === 0 ? true : undefined), 90_000, 1000).catch(() => {
      throw new Error(`${undecided().length} of ${good.size} good claims not decided, e.g. ${undecided().slice(0, 5).join(', ')}`);
    });
  }, 120_000);

  it('keeps every service alive and live', async () => {
    for (const name of MESH_SERVICES) {
      const service = mesh.service(name);
      expect({ name, running: service.running }).toEqual({ name, running: true });
      expect({ name, live: (await fetch(service.url('/health/live'))).status }).toEqual({ name, live: 200 });
    }
  });

  it('writes no personal data and no API key to any service log', () => {
    const needles = [INGEST_KEY, ...[...good.values()].flatMap((pii) => Object.values(pii))];
    const leaks = MESH_SERVICES.flatMap((name) =>
      needles.filter((needle) => mesh.service(name).logs.includes(needle)).map((needle) => `${name}: ${needle}`),
    );
    expect(good.size).toBeGreaterThan(200);
    expect(leaks.slice(0, 20)).toEqual([]);
  });

  it("sends no personal data to Jaeger in any service's spans, Redis commands included", async () => {
    const needles = [...good.values()].flatMap((pii) => Object.values(pii));
    const search = async (query: string) => {
      const res = await fetch(`${stack.jaegerQueryUrl}/api/traces?${query}&start=${startedMicros}&end=${Date.now() * 1000}&limit=200`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: unknown[] }).data;
    };
    // The audit service's lineage scripts take the claims' personal data as arguments: their spans must not carry them.
    const traces = [
      ...(await search(`service=audit&operation=${encodeURIComponent('PIPELINE EVALSHA')}`)),
      ...(await Promise.all(MESH_SERVICES.map((name) => search(`service=${name}`)))).flat(),
    ];
    const text = JSON.stringify(traces);
    expect(text).toContain('PIPELINE EVALSHA');
    expect(needles.filter((needle) => text.includes(needle)).slice(0, 20)).toEqual([]);
  });
});
