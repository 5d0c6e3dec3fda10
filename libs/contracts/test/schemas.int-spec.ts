import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  AvroRecordSchema,
  AvroSerde,
  IncompatibleSchemaError,
  meshSubjects,
  meshTopics,
  registerSchemas,
  valueSchema,
  WireFormatError,
} from '@claims-mesh/contracts';
import { sampleClaim, sampleOfEachSchema, stack } from '@claims-mesh/testing';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { expand, namedTypes } = require('../src/schema-files') as {
  expand(schema: unknown, byName: Map<string, unknown>): AvroRecordSchema;
  namedTypes(): Map<string, unknown>;
};

const TOPIC_OF: Record<string, string> = {
  ClaimSubmitted: 'claims.submitted.v1',
  ClaimEnriched: 'claims.enriched.v1',
  ClaimScored: 'claims.scored.v1',
  ClaimDecided: 'claims.decided.v1',
  ReviewCompleted: 'reviews.completed.v1',
  ClaimEvidence: 'claims.evidence.v1',
  ModelRollout: 'models.rollout.v1',
};

function fixture(file: string): AvroRecordSchema {
  return expand(JSON.parse(readFileSync(join(__dirname, 'fixtures', file), 'utf8')), namedTypes());
}

describe('Avro contracts against the real schema registry', () => {
  it('registers every topic value schema under <topic>-value with BACKWARD compatibility', async () => {
    const registered = await registerSchemas(stack.registryUrl, meshSubjects());
    const topics = meshTopics().filter((t) => t.valueFormat === 'avro' && !t.isDeadLetter).map((t) => t.name);
    expect(topics).toEqual(expect.arrayContaining([...Object.values(TOPIC_OF), 'claims.scored.shadow.v1', 'pii.keys.v1', 'subjects.erasure.v1']));
    expect(registered.map((r) => r.subject).sort()).toEqual(topics.map((t) => `${t}-value`).sort());
    const config = await fetch(`${stack.registryUrl}/config/claims.submitted.v1-value`).then((r) => r.json());
    expect(config).toEqual(expect.objectContaining({ compatibilityLevel: 'BACKWARD' }));
  });

  it.each(Object.entries(sampleOfEachSchema()))('round-trips a %s through the Confluent wire format', async (name, record) => {
    const serde = AvroSerde.forRegistry(stack.registryUrl);
    const bytes = await serde.encode(TOPIC_OF[name], record);
    const { id } = await serde.writerFor(TOPIC_OF[name]);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(id);
    // A fresh serde has no cache: it fetches the writer schema by id from the registry.
    expect(await AvroSerde.forRegistry(stack.registryUrl).decode(TOPIC_OF[name], bytes)).toEqual(record);
  });

  it('writes exactly the bytes a plain Confluent client writes (magic, id, Avro binary)', async () => {
    const claim = sampleClaim();
    const serde = AvroSerde.forRegistry(stack.registryUrl);
    const ours = await serde.encode('claims.submitted.v1', claim);
    const client = new SchemaRegistry({ host: stack.registryUrl });
    const theirs = await client.encode(ours.readInt32BE(1), claim);
    expect(ours.equals(theirs)).toBe(true);
  });

  it('reads a record written with an older schema version on the current one (v1 -> v2)', async () => {
    const subject = `it-evolution-${randomUUID()}-value`;
    const current = valueSchema('ClaimSubmitted').json;
    // v1 is today's schema before customerEmail was added (with default null).
    const v1: AvroRecordSchema = { ...current, fields: current.fields.filter((f) => f.name !== 'customerEmail') };
    const client = new SchemaRegistry({ host: stack.registryUrl });
    const { id: v1Id } = await registerSchemas(stack.registryUrl, [{ subject, schema: v1 }]).then((r) => r[0]);
    const { id: v2Id } = await registerSchemas(stack.registryUrl, [{ subject, schema: current }]).then((r) => r[0]);
    expect(v2Id).not.toBe(v1Id);

    const { customerEmail: _dropped, ...oldClaim } = sampleClaim();
    const v1Bytes = await client.encode(v1Id, oldClaim);
    const decoded = await AvroSerde.forRegistry(stack.registryUrl).decode('claims.submitted.v1', v1Bytes);
    expect(decoded).toEqual({ ...oldClaim, customerEmail: null });
  });

  it('refuses the deliberately incompatible fixture, so schemas-check fails on it', async () => {
    const subject = `it-incompatible-${randomUUID()}-value`;
    await registerSchemas(stack.registryUrl, [{ subject, schema: valueSchema('ClaimSubmitted').json }]);
    await expect(
      registerSchemas(stack.registryUrl, [{ subject, schema: fixture('ClaimSubmitted.incompatible.avsc') }]),
    ).rejects.toThrow(IncompatibleSchemaError);
  });

  it('refuses to decode bytes of a schema id the registry does not know', async () => {
    const bytes = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]), Buffer.from([2, 0x61])]);
    await expect(AvroSerde.forRegistry(stack.registryUrl).decode('claims.submitted.v1', bytes)).rejects.toThrow(
      expect.objectContaining({ problem: 'UNKNOWN_SCHEMA_ID' }),
    );
  });

  it('refuses a record written with a schema that cannot be read as the topic type', async () => {
    const subject = `it-wrong-${randomUUID()}-value`;
    const other = { type: 'record', name: 'Unrelated', namespace: 'it', fields: [{ name: 'x', type: 'int' }] };
    const client = new SchemaRegistry({ host: stack.registryUrl });
    const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(other) }, { subject });
    const bytes = await client.encode(id, { x: 1 });
    const error = await AvroSerde.forRegistry(stack.registryUrl).decode('claims.submitted.v1', bytes).catch((e) => e);
    expect(error).toBeInstanceOf(WireFormatError);
    expect(error.problem).toBe('INCOMPATIBLE_WRITER_SCHEMA');
  });

  it('refuses truncated Avro bytes', async () => {
    const serde = AvroSerde.forRegistry(stack.registryUrl);
    const bytes = await serde.encode('claims.submitted.v1', sampleClaim());
    await expect(serde.decode('claims.submitted.v1', bytes.subarray(0, bytes.length - 10))).rejects.toThrow(
      expect.objectContaining({ problem: 'MALFORMED_AVRO' }),
    );
  });
});
