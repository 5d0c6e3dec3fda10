import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { AvroSerde, parseEnvelope, PiiCodec, subjectRefOf } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { SUBJECT_KEY_TOPIC, SubjectKeyStore } from '@claims-mesh/platform';
import { sampleClaim, stack, testKafka, TopicTail, waitFor } from '@claims-mesh/testing';

// The key store against the stack's real Redis and Kafka: sealing through the serde, the key
// on the compacted key topic, and erasure making every sealed copy unreadable at once.
describe('the subjects key store (Redis and pii.keys.v1) under the serde', () => {
  const kek = randomBytes(32);
  const secret = randomBytes(32);
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  const publisher = new KafkaPublisher({ clientId: 'it-keys', brokers: stack.kafkaBrokers }, serde);
  const redis = new Redis(stack.redisUrl);
  const store = new SubjectKeyStore(redis, publisher, kek);
  const codec = new PiiCodec(store, secret);
  const sealing = AvroSerde.forRegistry(stack.registryUrl);
  sealing.sealPersonalData(codec);
  const customers = [`cust-keys-${randomUUID()}`, `cust-keys-${randomUUID()}`];
  const refs = customers.map((id) => subjectRefOf(secret, id));
  let tail: TopicTail;

  beforeAll(async () => {
    tail = await TopicTail.start(testKafka('it-keys-tail'), [SUBJECT_KEY_TOPIC]);
  }, 60_000);

  afterAll(async () => {
    await redis.del(...refs.map((ref) => `pii:key:${ref}`));
    await Promise.all([tail?.stop(), publisher.close()]);
    redis.disconnect();
  });

  it('gives replicas racing on a new subject one key, kept wrapped in Redis and on the key topic', async () => {
    const replicas = [store, new SubjectKeyStore(new Redis(stack.redisUrl), publisher, kek), new SubjectKeyStore(new Redis(stack.redisUrl), publisher, kek)];
    const keys = await Promise.all(replicas.map((replica) => replica.keyToSeal(refs[0])));
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(1);
    const stored = (await redis.get(`pii:key:${refs[0]}`)) as string;
    expect(stored.startsWith(`${keys[0].keyId}.`)).toBe(true);
    expect(stored).not.toContain(keys[0].key.toString('base64url'));
    const onTopic = await waitFor('the key on pii.keys.v1', async () => tail.byKey(SUBJECT_KEY_TOPIC).get(refs[0])?.[0], 30_000);
    const record = await serde.decode<{ subjectRef: string; keyId: string; wrappedKey: string }>(SUBJECT_KEY_TOPIC, onTopic.value);
    expect(record).toMatchObject({ subjectRef: refs[0], keyId: keys[0].keyId });
    expect(record.wrappedKey).not.toContain(keys[0].key.toString('base64url'));
  });

  it('loads or makes a new subject\'s key once for all the claims of it sealed at the same time', async () => {
    const own = new Redis(stack.redisUrl);
    const replica = new SubjectKeyStore(own, publisher, kek);
    const gets = jest.spyOn(own, 'get');
    const sets = jest.spyOn(own, 'set');
    try {
      const keys = await Promise.all(Array.from({ length: 5 }, () => replica.keyToSeal(refs[1])));
      expect(new Set(keys.map((key) => key.keyId)).size).toBe(1);
      expect([gets.mock.calls.length, sets.mock.calls.length]).toEqual([1, 1]);
      // Held now: the next claim of the subject needs no Redis call at all.
      expect(replica.keyToSeal(refs[1])).toBe(keys[0]);
      expect(gets.mock.calls.length).toBe(1);
    } finally {
      own.disconnect();
    }
  });

  it('does not hold a key it was loading when the subject was forgotten (an erasure seen meanwhile)', async () => {
    const own = new Redis(stack.redisUrl);
    const replica = new SubjectKeyStore(own, publisher, kek);
    try {
      const loading = replica.keyToSeal(refs[1]);
      expect(loading).toBeInstanceOf(Promise);
      replica.forget(refs[1]);
      await loading;
      // Not held: the next claim asks Redis again, and the key it gets then is held.
      const again = replica.keyToSeal(refs[1]);
      expect(again).toBeInstanceOf(Promise);
      expect(replica.keyToSeal(refs[1])).toBe(again);
      const key = await again;
      expect(replica.keyToSeal(refs[1])).toBe(key);
    } finally {
      own.disconnect();
    }
  });

  it('seals a claim on encode so its bytes hold none of its personal data, and opens it again', async () => {
    const claim = sampleClaim({ customerId: customers[0], customerEmail: 'erin.keys@example.org', description: 'Kettle leaks at the base', serialNumber: `SN-${randomUUID()}` });
    const bytes = (await sealing.encode('claims.submitted.v1', claim)) as Buffer;
    for (const value of [claim.customerId, claim.customerEmail as string, claim.description, claim.serialNumber, claim.policyId]) {
      expect(bytes.includes(Buffer.from(value))).toBe(false);
    }
    const decoded = await serde.decode<typeof claim>('claims.submitted.v1', bytes);
    expect(parseEnvelope(decoded.customerId)?.subjectRef).toBe(refs[0]);
    expect(decoded.amountMinor).toBe(claim.amountMinor);
    expect(await sealing.open('claims.submitted.v1', decoded)).toEqual(claim);
  });

  it("makes an erased subject's copies unreadable at once, tombstones its key, and leaves other subjects readable", async () => {
    const [erased, kept] = await Promise.all(
      customers.map(async (customerId) => serde.decode<ReturnType<typeof sampleClaim>>('claims.submitted.v1', (await sealing.encode('claims.submitted.v1', sampleClaim({ customerId }))) as Buffer)),
    );
    expect(await store.erase(refs[0])).toBe(true);
    expect(await sealing.open('claims.submitted.v1', erased)).toMatchObject({ customerId: null, description: null, policyId: null, serialNumber: null });
    expect((await sealing.open('claims.submitted.v1', kept)).customerId).toBe(customers[1]);
    expect(await redis.exists(`pii:key:${refs[0]}`)).toBe(0);
    await waitFor('the tombstone on pii.keys.v1', async () => (tail.byKey(SUBJECT_KEY_TOPIC).get(refs[0]) ?? []).some((m) => m.value === null) || undefined, 30_000);
  });
});
