import { AvroSerde, ClaimSubmitted, frame, topicValueSchema } from '@claims-mesh/contracts';
import { badHttpRequests } from './http-corpus';
import { SeededRandom } from './seeded-random';
import { sampleClaim, sampleOfEachSchema } from '../sample-records';

/** One record that no consumer of its topic can ever process: each must reach `<topic>.dlq`. */
export interface BadKafkaRecord {
  kind: string;
  topic: string;
  /** Unique per record, so its dead letters can be found by key. */
  key: string;
  value: Buffer | null;
}

export const INBOUND_JSON_TOPIC = 'claims.inbound.json.v1';
export const INBOUND_AVRO_TOPIC = 'claims.inbound.avro.v1';

/** The Avro topics the mesh consumes (the shadow topic is audit's only, like the others). */
export const CONSUMED_AVRO_TOPICS = [
  INBOUND_AVRO_TOPIC,
  'claims.submitted.v1',
  'claims.enriched.v1',
  'claims.scored.v1',
  'claims.decided.v1',
  'reviews.completed.v1',
  'claims.evidence.v1',
];

/**
 * Claims that are valid Avro but break a rule ingest checks at its entrances, for the Avro
 * entrance only: the mesh's own topics carry what ingest already checked.
 */
const BROKEN_CLAIMS: [string, Partial<ClaimSubmitted>][] = [
  ['negative-amount', { amountMinor: -1 }],
  ['lower-case-currency', { currency: 'eur' }],
  ['bad-email', { customerEmail: 'not-an-email' }],
  ['empty-customer', { customerId: '' }],
  ['bad-policy-start', { policyStartDate: 2_000_000_000 }],
  ['a-revision', { revision: 1 }],
  ['blank-submitted-by', { submittedBy: ' ' }],
];

/** HTTP cases whose body is a valid claim and only a header is wrong: no use as a Kafka value. */
const HEADER_ONLY_KINDS = new Set(['wrong-content-type', 'bad-content-encoding', 'bad-idempotency-key', 'over-size']);

/**
 * Generates malformed records for every consumed topic from a seed. Avro topics get a wrong
 * magic byte, a schema id the registry does not know (negative ones too), truncated Avro,
 * valid Avro with trailing bytes, valid Avro of another topic's schema, null and empty
 * values; the Avro entrance also valid claims that break ingest's rules. The JSON entrance gets the bodies of the HTTP corpus (broken JSON, wrong types,
 * invalid UTF-8, ...). `perTopic` records per topic.
 */
export async function badKafkaRecords(seed: number, serde: AvroSerde, perTopic: number): Promise<BadKafkaRecord[]> {
  const random = new SeededRandom(seed);
  const samples = sampleOfEachSchema();
  const writers = new Map(
    await Promise.all(CONSUMED_AVRO_TOPICS.map(async (topic) => [topic, await serde.writerFor(topic)] as const)),
  );
  const valid = (topic: string) => serde.encodeWith(writers.get(topic)!, samples[topicValueSchema(topic).name]);
  const records: BadKafkaRecord[] = [];
  const key = (topic: string) => `bad-${seed}-${records.length}-${topic}`;

  for (const topic of CONSUMED_AVRO_TOPICS) {
    const schemaName = topicValueSchema(topic).name;
    const others = CONSUMED_AVRO_TOPICS.filter((t) => topicValueSchema(t).name !== schemaName);
    const makers: [string, () => Buffer | null][] = [
      ['null-value', () => null],
      ['empty-value', () => Buffer.alloc(0)],
      ['wrong-magic-byte', () => {
        const bytes = Buffer.from(valid(topic));
        bytes[0] = random.int(1, 255);
        return bytes;
      }],
      ['short-header', () => Buffer.from([0, ...Array.from({ length: random.int(0, 3) }, () => random.int(0, 255))])],
      ['unknown-schema-id', () => {
        const id = random.next() < 0.7 ? random.int(1_000_000, 2_147_483_647) : -random.int(1, 2_147_483_648);
        return frame(id, valid(topic).subarray(5));
      }],
      ['truncated-avro', () => {
        const bytes = valid(topic);
        return bytes.subarray(0, random.int(5, bytes.length - 1));
      }],
      ['trailing-bytes', () => Buffer.concat([valid(topic), Buffer.from(random.hex(2 * random.int(1, 16)), 'hex')])],
      ['wrong-schema', () => {
        const other = random.pick(others);
        return serde.encodeWith(writers.get(other)!, samples[topicValueSchema(other).name]);
      }],
      ...(topic === INBOUND_AVRO_TOPIC
        ? BROKEN_CLAIMS.map(([kind, broken]): [string, () => Buffer] => [`invalid-claim-${kind}`, () => serde.encodeWith(writers.get(topic)!, sampleClaim(broken))])
        : []),
    ];
    for (let i = 0; i < perTopic; i++) {
      const [kind, make] = makers[i % makers.length];
      records.push({ kind, topic, key: key(topic), value: make() });
    }
  }

  // Bodies of at most 256 KiB, far under the broker's message size limit.
  const bodies = badHttpRequests(seed, perTopic * 2, 256 * 1024, 1000);
  let jsonCount = 0;
  for (const request of bodies) {
    if (jsonCount === perTopic) break;
    if (HEADER_ONLY_KINDS.has(request.kind)) continue;
    records.push({ kind: `json-${request.kind}`, topic: INBOUND_JSON_TOPIC, key: key(INBOUND_JSON_TOPIC), value: request.body });
    jsonCount++;
  }
  records.push({ kind: 'json-null-value', topic: INBOUND_JSON_TOPIC, key: key(INBOUND_JSON_TOPIC), value: null });
  return records;
}
