import { SeededRandom } from './seeded-random';

/** One malformed request to ingest's claims API: every one must be answered 4xx with a JSON error. */
export interface BadHttpRequest {
  kind: string;
  path: '/v1/claims' | '/v1/claims/batch';
  headers: Record<string, string>;
  body: Buffer;
}

type Claim = Record<string, unknown>;

/** A claim as a client sends it to POST /v1/claims, valid in every field; override any. */
export function claimRequest(overrides: Claim = {}): Claim {
  return {
    customerId: 'cust-0001',
    customerEmail: 'jane.doe@example.test',
    policyId: 'pol-778899',
    policyStartDate: '2024-03-01',
    product: 'phone',
    amountMinor: 45_900,
    currency: 'EUR',
    channel: 'WEB',
    description: 'Screen cracked after a fall.',
    mediaCount: 2,
    serialNumber: 'SN-12345-ABC',
    region: 'EU-WEST',
    ...overrides,
  };
}

const REQUIRED = ['customerId', 'policyId', 'policyStartDate', 'product', 'amountMinor', 'currency', 'channel', 'description', 'mediaCount', 'serialNumber', 'region'];
const OPTIONAL = ['eventId', 'claimId', 'customerEmail', 'submittedAt'];
const NUMERIC = new Set(['amountMinor', 'mediaCount']);

/** Values each field must refuse (format, range, enum), by field. */
const INVALID_VALUES: Record<string, unknown[]> = {
  eventId: ['not-a-uuid', '1234', '00000000-0000-0000-0000-00000000000g'],
  claimId: ['claim-1', '', '{}'],
  customerId: ['', 'c'.repeat(65)],
  customerEmail: ['no-at-sign', '@example.test', 'a@', `${'x'.repeat(250)}@example.test`],
  policyId: ['', 'p'.repeat(65)],
  policyStartDate: ['2025-02-30', '2025/01/01', '20250101', '2025-13-01', 'yesterday', '2025-01-01T00:00:00Z'],
  product: ['Phone', 'phone!', '', 'p'.repeat(41), 'ph one'],
  amountMinor: [-1, 1.5, 10_000_000_001, Number.MAX_SAFE_INTEGER, -0.01],
  currency: ['eur', 'EURO', 'E1R', ''],
  channel: ['FAX', 'web', '', 'WEB '],
  description: ['d'.repeat(5001)],
  mediaCount: [-1, 101, 2.5],
  serialNumber: ['', 's'.repeat(65)],
  region: ['eu-west', 'X', 'EU WEST', 'R'.repeat(33)],
  submittedAt: ['yesterday', '2025-13-01T00:00:00Z', '2025-01-01T25:00:00Z', '1700000000000'],
};

/** Values of the wrong JSON type for a field (null only where the field is required). */
function wrongTypeValues(field: string): unknown[] {
  const common = [[], {}, true, [field], { value: 'x' }];
  const typed = NUMERIC.has(field) ? ['45900', '1', 'NaN'] : [42, 0, -7.5];
  return OPTIONAL.includes(field) ? [...common, ...typed] : [...common, ...typed, null];
}

const EXTRA_FIELD_NAMES = ['extra', 'isAdmin', 'customer_id', 'CustomerId', 'amount', '__proto__', 'constructor', 'prototype', '', ' ', 'claims', '$where'];

/** Bytes that are not UTF-8: stray continuation, bad lead, overlong '/', encoded surrogate, 5-byte form, truncated sequence. */
const INVALID_UTF8 = [[0xff], [0x80], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xfe, 0xff]];

const LONE_SURROGATES = ['\ud800', '\udfff', 'ok\udbff', '\udc00tail', 'a\ud83d'];

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'text/json',
  'application/jsonx',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
];

const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * Generates `count` malformed requests to ingest's claims API from a seed: broken JSON,
 * wrong types, missing and extra fields, out-of-range values, huge strings and arrays,
 * malformed Unicode (lone surrogates, invalid UTF-8 bytes), bodies over `maxBodyBytes`,
 * wrong content types and encodings, and malformed batches. None of them may be accepted.
 */
export function* badHttpRequests(seed: number, count: number, maxBodyBytes: number, maxBatch: number): Generator<BadHttpRequest> {
  const random = new SeededRandom(seed);
  const makers = makersOf(random, maxBodyBytes, maxBatch);
  // Over-size bodies are a megabyte each: a few percent of the corpus is plenty.
  const weights = makers.map(([kind]) => (kind === 'over-size' ? 1 : 10));
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < count; i++) {
    let roll = random.next() * total;
    let index = 0;
    while (roll >= weights[index]) roll -= weights[index++];
    const [kind, make] = makers[index];
    yield { kind, ...make() };
  }
}

type Maker = () => Omit<BadHttpRequest, 'kind'>;

function makersOf(random: SeededRandom, maxBodyBytes: number, maxBatch: number): [string, Maker][] {
  const field = (fields = [...REQUIRED, ...OPTIONAL]) => random.pick(fields);
  /** The bad claim alone, or inside a batch of otherwise good claims. */
  const asRequest = (claim: Claim): Omit<BadHttpRequest, 'kind'> => {
    if (random.next() < 0.7) return { path: '/v1/claims', headers: JSON_TYPE, body: json(claim) };
    const claims = Array.from({ length: random.int(1, 5) }, () => claimRequest());
    claims.splice(random.int(0, claims.length), 0, claim);
    return { path: '/v1/claims/batch', headers: JSON_TYPE, body: json({ claims }) };
  };
  /** A claim's text alone, or as the one claim of a batch. */
  const asText = (text: string): Omit<BadHttpRequest, 'kind'> =>
    random.next() < 0.7
      ? { path: '/v1/claims', headers: JSON_TYPE, body: Buffer.from(text) }
      : { path: '/v1/claims/batch', headers: JSON_TYPE, body: Buffer.from(`{"claims":[${text}]}`) };
  const anyPath = () => random.pick(['/v1/claims', '/v1/claims/batch'] as const);
  const goodText = () => JSON.stringify(random.next() < 0.5 ? claimRequest() : { claims: [claimRequest()] });

  return [
    ['wrong-type', () => {
      const f = field();
      return asRequest(claimRequest({ [f]: random.pick(wrongTypeValues(f)) }));
    }],
    ['invalid-value', () => {
      const f = field(Object.keys(INVALID_VALUES));
      return asRequest(claimRequest({ [f]: random.pick(INVALID_VALUES[f]) }));
    }],
    ['missing-field', () => {
      const claim = claimRequest();
      const drop = random.int(1, 4);
      for (let i = 0; i < drop; i++) delete claim[field(REQUIRED)];
      return asRequest(claim);
    }],
    ['extra-field', () => {
      const name = random.pick(EXTRA_FIELD_NAMES);
      const value = random.pick<unknown>([1, 'x', null, { isAdmin: true }, [1, 2], true]);
      // A literal '__proto__' key must reach the wire as a key, so the JSON is spliced as text.
      return asText(JSON.stringify(claimRequest()).replace(/^\{/, `{${JSON.stringify(name)}:${JSON.stringify(value)},`));
    }],
    ['huge-string', () => {
      const f = field(['description', 'customerId', 'policyId', 'serialNumber', 'customerEmail', 'region', 'product', 'currency', 'eventId']);
      // Mostly just over the limits; one in ten close to the body size limit.
      const length = random.next() < 0.9 ? random.int(5_001, 20_000) : random.int(20_000, Math.floor(maxBodyBytes * 0.4));
      return asRequest(claimRequest({ [f]: random.pick(['x', 'é', '9', ' ']).repeat(length) }));
    }],
    ['huge-array', () => {
      const length = random.next() < 0.9 ? random.int(1_000, 5_000) : random.int(5_000, Math.floor(maxBodyBytes / 8));
      if (random.next() < 0.5) return asRequest(claimRequest({ [field()]: Array.from({ length }, (_, i) => i) }));
      // More claims than a batch may carry, each small enough that the body stays under the size limit.
      const claims = Array.from({ length: maxBatch + random.int(1, 50) }, () => ({ a: 1 }));
      return { path: '/v1/claims/batch', headers: JSON_TYPE, body: json({ claims }) };
    }],
    ['deep-nesting', () => {
      const depth = random.int(1_000, 20_000);
      const open = random.next() < 0.5 ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      // In place of a field's value, or as an unknown field: either way it must not reach a recursive walk unbounded.
      const text = JSON.stringify(random.next() < 0.5 ? claimRequest({ [field()]: '@@NESTED@@' }) : { nested: '@@NESTED@@', ...claimRequest() });
      const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
      return asText(text.replace('"@@NESTED@@"', nested));
    }],
    ['lone-surrogate', () => {
      const f = field(['description', 'customerId', 'policyId', 'serialNumber', 'customerEmail']);
      return asRequest(claimRequest({ [f]: random.pick(LONE_SURROGATES) }));
    }],
    ['lone-surrogate-key', () => asRequest({ ...claimRequest(), [random.pick(LONE_SURROGATES)]: 1 })],
    ['invalid-utf8', () => {
      // Invalid bytes inside a string value that would otherwise be valid.
      const text = JSON.stringify(claimRequest({ description: '@@BAD@@' }));
      const [before, after] = text.split('@@BAD@@');
      const body = Buffer.concat([Buffer.from(before), Buffer.from(random.pick(INVALID_UTF8)), Buffer.from(after)]);
      return { path: '/v1/claims', headers: JSON_TYPE, body };
    }],
    ['broken-json', () => {
      const text = goodText();
      const breakers: (() => string)[] = [
        () => text.slice(0, random.int(0, text.length - 2)) || '{',
        () => text.replace(/:/, '='),
        () => text.replace(/\}$/, ',}'),
        () => text.replace(/"/g, "'"),
        () => text.slice(1),
        () => `${text}}`,
        () => `${text} trailing`,
        () => text.replace(/"WEB"/, 'WEB'),
        () => text.replace(/45900/, 'NaN'),
        () => text.replace(/45900/, '0x10'),
        () => text.replace(/"EUR"/, 'undefined'),
        () => text.replace(/Screen/, 'Scr\neen'),
        () => text.replace(/Screen/, 'Scr\\xeen'),
        () => `// comment\n${text}`,
        () => text.replace(/,/, ',,'),
        () => text.replace(/\{/, '{{'),
        () => '\u0000',
      ];
      return { path: anyPath(), headers: JSON_TYPE, body: Buffer.from(random.pick(breakers)()) };
    }],
    ['not-an-object', () => {
      const body = random.pick(['[]', '[{}]', '"claim"', '42', 'null', 'true', '{}', '[' + goodText() + ']', '""']);
      return { path: anyPath(), headers: JSON_TYPE, body: Buffer.from(body) };
    }],
    ['bad-batch', () => {
      const claims = random.pick<unknown>([[], null, 'claims', {}, 7, [null], [[]], ['claim'], [1, 2]]);
      const body = random.next() < 0.2 ? { claim: [claimRequest()] } : { claims };
      return { path: '/v1/claims/batch', headers: JSON_TYPE, body: json(body) };
    }],
    ['wrong-content-type', () => {
      const contentType = random.pick([...WRONG_CONTENT_TYPES, undefined]);
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      return { path: anyPath(), headers, body: Buffer.from(goodText()) };
    }],
    ['bad-content-encoding', () => {
      const encoding = random.pick(['gzip', 'deflate', 'br', 'compress', 'x-unknown']);
      return { path: anyPath(), headers: { ...JSON_TYPE, 'content-encoding': encoding }, body: Buffer.from(goodText()) };
    }],
    ['bad-idempotency-key', () => {
      const key = random.pick(['k'.repeat(129), 'has space', 'tab\tkey']);
      return { path: '/v1/claims', headers: { ...JSON_TYPE, 'idempotency-key': key }, body: Buffer.from(JSON.stringify(claimRequest())) };
    }],
    ['over-size', () => {
      const claim = claimRequest({ description: 'x'.repeat(maxBodyBytes + random.int(1, maxBodyBytes)) });
      return { path: anyPath(), headers: JSON_TYPE, body: json(claim) };
    }],
  ];
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
