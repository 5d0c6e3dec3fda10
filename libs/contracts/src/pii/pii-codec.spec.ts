import { createHmac, randomBytes } from 'node:crypto';
import { valueSchema } from '../schemas';
import { newDataKey, parseSecret, subjectRefOf, unwrapDataKey, wrapDataKey } from './data-keys';
import { DataKey, isEnvelope, parseEnvelope } from './envelope';
import { PiiCodec, SubjectKeyring } from './pii-codec';

/** Keys in a map: the codec's logic alone (the real key store is libs/platform's, tested against Redis and Kafka). */
class MapKeyring implements SubjectKeyring {
  readonly keys = new Map<string, DataKey>();
  keyToSeal(subjectRef: string): DataKey | Promise<DataKey> {
    const held = this.keys.get(subjectRef);
    if (held) return held;
    const made = newDataKey(subjectRef);
    this.keys.set(subjectRef, made);
    return Promise.resolve(made);
  }
  async keyToOpen(subjectRef: string, keyId: string): Promise<DataKey | undefined> {
    const held = this.keys.get(subjectRef);
    return held?.keyId === keyId ? held : undefined;
  }
}

const SECRET = randomBytes(32);
const claim = {
  eventId: 'e-1',
  claimId: 'c-1',
  customerId: 'cust-42',
  customerEmail: 'jane@example.org',
  policyId: 'POL-1',
  description: 'Screen cracked',
  serialNumber: 'SN-9',
  amountMinor: 1000,
};

describe('PiiCodec', () => {
  const submitted = valueSchema('ClaimSubmitted');
  const decided = valueSchema('ClaimDecided');
  const review = valueSchema('ReviewCompleted');

  it('seals every pii field under the subject of the customer id, and leaves the rest and the input as they were', async () => {
    const keyring = new MapKeyring();
    const codec = new PiiCodec(keyring, SECRET);
    const sealed = (await codec.seal(submitted.name, submitted.json, claim)) as typeof claim;
    expect(claim.customerId).toBe('cust-42');
    const ref = subjectRefOf(SECRET, 'cust-42');
    for (const field of ['customerId', 'customerEmail', 'policyId', 'description', 'serialNumber'] as const) {
      expect(isEnvelope(sealed[field])).toBe(true);
      expect(parseEnvelope(sealed[field])?.subjectRef).toBe(ref);
      expect(sealed[field]).not.toContain(claim[field]);
    }
    expect(sealed).toMatchObject({ eventId: 'e-1', claimId: 'c-1', amountMinor: 1000 });
    expect(await codec.open(submitted.name, submitted.json, sealed)).toEqual(claim);
  });

  it('is synchronous once the key is held, and does not seal a sealed value twice (a record re-published downstream)', async () => {
    const codec = new PiiCodec(new MapKeyring(), SECRET);
    const first = (await codec.seal(submitted.name, submitted.json, claim)) as typeof claim;
    const again = codec.seal(submitted.name, submitted.json, { ...claim, eventId: 'e-2' });
    expect(again).not.toBeInstanceOf(Promise);
    const nested = { eventId: 'd-1', claim: first, reasonCodes: [] };
    expect(codec.seal(decided.name, decided.json, nested)).toBe(nested);
  });

  it('finds the subject inside a nested claim, and seals a null-or-string field only when it holds a string', async () => {
    const codec = new PiiCodec(new MapKeyring(), SECRET);
    const sealed = (await codec.seal(decided.name, decided.json, { eventId: 'd-1', claim: { ...claim, customerEmail: null } })) as { claim: typeof claim };
    expect(sealed.claim.customerEmail).toBeNull();
    expect(parseEnvelope(sealed.claim.description)?.subjectRef).toBe(subjectRefOf(SECRET, 'cust-42'));
  });

  it('seals a review under its subjectRef, and refuses personal data with no subject', async () => {
    const codec = new PiiCodec(new MapKeyring(), SECRET);
    const ref = subjectRefOf(SECRET, 'cust-42');
    const sealed = (await codec.seal(review.name, review.json, { eventId: 'r-1', reviewerId: 'rev-7', note: 'ok', subjectRef: ref })) as Record<string, string>;
    expect(parseEnvelope(sealed.note)?.subjectRef).toBe(ref);
    expect(() => codec.seal(review.name, review.json, { eventId: 'r-1', reviewerId: 'rev-7', note: 'ok', subjectRef: null })).toThrow(/no subject/);
  });

  it('opens fields of an erased subject (its key gone) or a tampered envelope as null', async () => {
    const keyring = new MapKeyring();
    const codec = new PiiCodec(keyring, SECRET);
    const sealed = (await codec.seal(submitted.name, submitted.json, claim)) as typeof claim;
    const tampered = { ...sealed, description: sealed.description.slice(0, -4) + (sealed.description.endsWith('AAAA') ? 'BBBB' : 'AAAA') };
    expect((await codec.open(submitted.name, submitted.json, tampered)).description).toBeNull();
    keyring.keys.clear();
    expect(await codec.open(submitted.name, submitted.json, sealed)).toMatchObject({ customerId: null, description: null, amountMinor: 1000 });
  });

  it('keeps pseudonyms keyed: another secret gives another one, and the same secret always the same', () => {
    expect(subjectRefOf(SECRET, 'cust-42')).toBe(subjectRefOf(SECRET, 'cust-42'));
    expect(subjectRefOf(randomBytes(32), 'cust-42')).not.toBe(subjectRefOf(SECRET, 'cust-42'));
  });

  it('computes the pseudonym HMAC-SHA256 of the raw secret, whether or not its KeyObject is cached (stored keys stay found)', () => {
    const expected = createHmac('sha256', SECRET).update('cust-42', 'utf8').digest('base64url');
    expect(subjectRefOf(SECRET, 'cust-42')).toBe(expected);
    expect(subjectRefOf(Buffer.from(SECRET), 'cust-42')).toBe(expected);
  });

  it('wraps data keys under the KEK, bound to their subject', () => {
    const kek = randomBytes(32);
    const key = newDataKey('ref-a'.padEnd(43, 'x'));
    const wrapped = wrapDataKey(kek, key);
    expect(unwrapDataKey(kek, key.subjectRef, wrapped).key.equals(key.key)).toBe(true);
    expect(() => unwrapDataKey(kek, 'ref-b'.padEnd(43, 'x'), wrapped)).toThrow();
    expect(() => unwrapDataKey(randomBytes(32), key.subjectRef, wrapped)).toThrow();
    expect(unwrapDataKey(Buffer.from(kek), key.subjectRef, wrapped).key.equals(key.key)).toBe(true);
    expect(() => parseSecret('PII_KEK', 'c2hvcnQ=')).toThrow(/PII_KEK must be 32 bytes/);
  });
});
