import { randomUUID } from 'node:crypto';
import { AvroSerde, ClaimSubmitted } from '@claims-mesh/contracts';
import type { Kafka } from '@claims-mesh/kafka';
import { decodeOpened, ServiceProcess, stack, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';

const INGEST_KEY = 'dev-ingest-key';
const SUBMITTED = 'claims.submitted.v1';

function claimBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: `cust-${randomUUID().slice(0, 8)}`,
    customerEmail: 'jane@example.com',
    policyId: 'pol-1',
    policyStartDate: '2025-06-01',
    product: 'phone',
    amountMinor: 45900,
    currency: 'EUR',
    channel: 'WEB',
    description: 'Screen cracked.',
    mediaCount: 2,
    serialNumber: `SN-${randomUUID().slice(0, 8)}`,
    region: 'EU-WEST',
    ...overrides,
  };
}

async function post(service: ServiceProcess, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(service.url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('ingest HTTP API (real Kafka, registry, Redis)', () => {
  let ingest: ServiceProcess;
  let kafka: Kafka;
  let submitted: TopicTail;
  const serde = AvroSerde.forRegistry(stack.registryUrl);

  async function publishedClaims(claimId: string): Promise<ClaimSubmitted[]> {
    const decoded = await Promise.all(
      (submitted.byKey(SUBMITTED).get(claimId) ?? []).map((m) => decodeOpened<ClaimSubmitted>(serde, SUBMITTED, m.value)),
    );
    return decoded;
  }

  beforeAll(async () => {
    kafka = testKafka();
    submitted = await TopicTail.start(kafka, [SUBMITTED]);
    // The lag bound is out of reach: the shared claims.submitted.v1 may be far ahead of the default
    // `feature` group when no feature service runs, which would shed these requests (429).
    ingest = ServiceProcess.start('ingest', 13101, { KAFKA_GROUP_ID: `ingest-it-${randomUUID()}`, MAX_DOWNSTREAM_LAG: '1000000000' });
    await ingest.listening();
  });

  afterAll(async () => {
    await ingest.stop();
    await submitted.stop();
  });

  it('answers 202 with ids only after the claim is on claims.submitted.v1 as canonical Avro', async () => {
    const body = claimBody();
    const res = await post(ingest, '/v1/claims', body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ claimId: expect.any(String), eventId: expect.any(String) });
    const [claim] = await waitFor('the published claim', async () => {
      const found = await publishedClaims(res.body.claimId);
      return found.length ? found : undefined;
    });
    expect(claim).toEqual(
      expect.objectContaining({
        claimId: res.body.claimId,
        eventId: res.body.eventId,
        customerId: body.customerId,
        amountMinor: 45900,
        policyStartDate: Math.floor(Date.parse('2025-06-01T00:00:00Z') / 86_400_000),
        submittedBy: 'upstream-dev',
      }),
    );
    // On the topic its personal data is sealed: the record's bytes hold none of it.
    const [bytes] = (submitted.byKey(SUBMITTED).get(res.body.claimId) ?? []).map((m) => m.value as Buffer);
    for (const value of [body.customerId, body.policyId, body.description, body.serialNumber]) expect(bytes.includes(Buffer.from(String(value)))).toBe(false);
  });

  it.each([
    ['a missing field', { customerId: undefined }, 'customerId'],
    ['a wrong type', { amountMinor: '459.00' }, 'amountMinor'],
    ['a negative amount', { amountMinor: -1 }, 'amountMinor'],
    ['an unknown channel', { channel: 'FAX' }, 'channel'],
    ['a bad currency', { currency: 'euro' }, 'currency'],
    ['a bad date', { policyStartDate: '2025-13-45' }, 'policyStartDate'],
    ['an over-long description', { description: 'x'.repeat(5001) }, 'description'],
    ['an extra field', { favouriteColour: 'blue' }, 'favouriteColour'],
    ['malformed unicode', { description: 'bad \ud800 surrogate' }, 'description'],
  ])('answers 400 naming the field for %s', async (_, overrides, field) => {
    const res = await post(ingest, '/v1/claims', claimBody(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.fields).toContainEqual(expect.objectContaining({ field }));
  });

  it.each([
    ['no API key', { 'x-api-key': '' }, 401],
    ['an unknown API key', { 'x-api-key': 'not-a-key' }, 401],
    ['a key without claims:write', { 'x-api-key': 'dev-auditor-key' }, 403],
  ])('answers with %s: %s', async (_, headers, status) => {
    const res = await post(ingest, '/v1/claims', claimBody(), headers);
    expect(res.status).toBe(status);
    expect(res.body.message).toEqual(expect.any(String));
  });

  it('answers 415 for a non-JSON body, 400 for broken JSON and 413 past the size limit', async () => {
    expect((await post(ingest, '/v1/claims', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const broken = await post(ingest, '/v1/claims', '{"customerId": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('malformed_json');
    const huge = await post(ingest, '/v1/claims', { description: 'x'.repeat(1_100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('payload_too_large');
  });

  it('returns the same ids for a resubmission with the same Idempotency-Key and publishes once', async () => {
    const key = randomUUID();
    const body = claimBody();
    const first = await post(ingest, '/v1/claims', body, { 'Idempotency-Key': key });
    const second = await post(ingest, '/v1/claims', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    await waitFor('the claim', async () => ((await publishedClaims(first.body.claimId)).length ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await publishedClaims(first.body.claimId)).toHaveLength(1);
  });

  it("treats the client's eventId as the idempotency key", async () => {
    const body = claimBody({ eventId: randomUUID() });
    const first = await post(ingest, '/v1/claims', body);
    const second = await post(ingest, '/v1/claims', body);
    expect(first.body.eventId).toBe(body.eventId);
    expect(second.body).toEqual(first.body);
  });

  it('accepts a batch in request order, and refuses a batch with one bad claim as a whole, naming it', async () => {
    const good = await post(ingest, '/v1/claims/batch', { claims: [claimBody(), claimBody(), claimBody()] });
    expect(good.status).toBe(202);
    expect(good.body.claims).toHaveLength(3);
    const bad = await post(ingest, '/v1/claims/batch', { claims: [claimBody(), claimBody({ mediaCount: 1000 })] });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'claims[1].mediaCount' })]);
  });
});
