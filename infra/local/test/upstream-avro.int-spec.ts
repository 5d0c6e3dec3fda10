import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AvroSerde, ClaimSubmitted, isEnvelope } from '@claims-mesh/contracts';
import { DLQ_HEADERS, Kafka, KafkaMessage } from '@claims-mesh/kafka';
import { Mesh, stack, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';

// An upstream system that writes Avro itself, with a client that is not ours (Confluent's Python
// client and serializer), into the Avro entrance; the mesh runs with sealing on, as it will in
// production. Its claims must come out sealed on claims.submitted.v1 and be decided.

const PRODUCER_DIR = join(__dirname, 'upstream-producer');
const INBOUND = 'claims.inbound.avro.v1';
const SUBMITTED = 'claims.submitted.v1';
const DECIDED = 'claims.decided.v1';
const PORT_BASE = 15340;
const UPSTREAM = 'partner-claims-system';

/** The producer's pinned venv, installed into the ignored cache on first use: its python. */
async function upstreamPython(): Promise<string> {
  const script = `. "${PRODUCER_DIR}/venv.sh" && upstream_install && printf %s "$UPSTREAM_VENV/bin/python"`;
  const { stdout } = await promisify(execFile)('bash', ['-c', script], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

interface Delivered {
  key: string;
  partition: number;
  offset: number;
}

/** Writes the records with the upstream producer, in order, to one partition of the entrance. */
function produceUpstream(python: string, records: { key: string; value: unknown }[]): Promise<Delivered[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [join(PRODUCER_DIR, 'produce_claims.py')], {
      env: { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers, SCHEMA_REGISTRY_URL: stack.registryUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Bounded, so a producer that hangs (the registry, the broker) fails with what it said, not the test's timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`produce_claims.py ${signal ? `killed after 90 s (${signal})` : `exited ${code}`}:\n${stderr}\n${stdout}`));
      resolve(stdout.trim().split('\n').map((line) => JSON.parse(line) as Delivered));
    });
    child.stdin.end(JSON.stringify({ topic: INBOUND, partition: 0, records }));
  });
}

/** A ClaimSubmitted as the upstream system fills it in, every personal value unique to this run. */
function upstreamClaim(tag: string, overrides: Partial<ClaimSubmitted> = {}): ClaimSubmitted {
  return {
    eventId: randomUUID(),
    claimId: randomUUID(),
    customerId: `up-cust-${tag}`,
    customerEmail: `up.${tag}@example.com`,
    policyId: `up-pol-${tag}`,
    policyStartDate: 19_800,
    product: 'phone',
    amountMinor: 45_900,
    currency: 'EUR',
    channel: 'PARTNER_API',
    description: `Screen of ${tag} cracked after a fall.`,
    mediaCount: 2,
    serialNumber: `SN-UP-${tag}`,
    region: 'EU-WEST',
    submittedBy: UPSTREAM,
    timestamps: { submittedAt: Date.now(), enrichedAt: null, scoredAt: null, decidedAt: null, reviewedAt: null },
    revision: 0,
    ...overrides,
  };
}

function personalValues(claim: ClaimSubmitted): string[] {
  return [claim.customerId, claim.customerEmail as string, claim.policyId, claim.description, claim.serialNumber];
}

function onlyRecord(tail: TopicTail, topic: string, key: string): KafkaMessage | undefined {
  const records = tail.byKey(topic).get(key);
  return records?.length ? records[0] : undefined;
}

describe('an upstream Avro producer that is not ours (Confluent Python client) on claims.inbound.avro.v1', () => {
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  let kafka: Kafka;
  let mesh: Mesh | undefined;
  let tail: TopicTail | undefined;
  let python: string;

  beforeAll(async () => {
    kafka = testKafka();
    [python, tail, mesh] = await Promise.all([
      upstreamPython(),
      TopicTail.start(kafka, [SUBMITTED, DECIDED, `${INBOUND}.dlq`]),
      Mesh.start(PORT_BASE, { SEAL_PERSONAL_DATA: 'true' }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([mesh?.stop(), tail?.stop()]);
  });

  it('has ingest re-publish its claims sealed and the mesh decide them, and dead-letters an invalid one with the reason without holding up the rest', async () => {
    const run = randomUUID().slice(0, 8);
    // Valid Avro, so the serializer writes it; it breaks the rules every entrance checks.
    const bad = upstreamClaim(`${run}-bad`, { amountMinor: -5, currency: 'eur' });
    const good = [1, 2, 3].map((n) => upstreamClaim(`${run}-${n}`));
    const delivered = await produceUpstream(python, [bad, ...good].map((claim) => ({ key: claim.claimId, value: claim })));
    expect(delivered.map((d) => d.key)).toEqual([bad, ...good].map((c) => c.claimId));

    const decided = await waitFor(
      'a decision for every good claim',
      async () => {
        const found = good.map((claim) => onlyRecord(tail!, DECIDED, claim.claimId));
        return found.every(Boolean) ? found : undefined;
      },
      150_000,
    ).catch((error: Error) => {
      const where = good.map((claim) => `${claim.claimId}: submitted ${tail!.byKey(SUBMITTED).has(claim.claimId)}, decided ${tail!.byKey(DECIDED).has(claim.claimId)}`);
      throw new Error(`${error.message}\n${where.join('\n')}\ningest log tail:\n${mesh!.service('ingest').logs.split('\n').slice(-30).join('\n')}`);
    });
    expect(decided).toHaveLength(good.length);

    for (const claim of good) {
      const record = onlyRecord(tail!, SUBMITTED, claim.claimId) as KafkaMessage;
      const bytes = record.value as Buffer;
      for (const plaintext of personalValues(claim)) expect(bytes.includes(Buffer.from(plaintext))).toBe(false);
      const published = await serde.decode<ClaimSubmitted>(SUBMITTED, bytes);
      expect(published).toMatchObject({
        eventId: claim.eventId,
        claimId: claim.claimId,
        submittedBy: UPSTREAM,
        policyStartDate: claim.policyStartDate,
        amountMinor: claim.amountMinor,
        timestamps: { submittedAt: claim.timestamps.submittedAt },
      });
      for (const field of ['customerId', 'customerEmail', 'policyId', 'description', 'serialNumber'] as const) {
        expect(isEnvelope(published[field])).toBe(true);
      }
    }

    const deadLetter = await waitFor('the invalid claim in the entrance dead-letter topic', async () => onlyRecord(tail!, `${INBOUND}.dlq`, bad.claimId));
    const header = (name: string) => deadLetter.headers?.[name]?.toString();
    expect(header(DLQ_HEADERS.service)).toBe('ingest');
    expect(header(DLQ_HEADERS.sourceTopic)).toBe(INBOUND);
    expect(header(DLQ_HEADERS.errorMessage)).toMatch(/invalid claim: .*amountMinor.*currency/);
    expect(tail!.byKey(SUBMITTED).has(bad.claimId)).toBe(false);
  }, 300_000);
});
