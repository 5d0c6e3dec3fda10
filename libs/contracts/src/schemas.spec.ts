import { piiPaths, projectedValueSchema, schemaViolations, topicValueSchema, valueSchema, valueSchemaNames, AvroField, AvroRecordSchema } from './schemas';
import { meshTopics } from './topics';
import { frame, schemaIdOf, WireFormatError } from './wire-format';

function everyField(record: AvroRecordSchema, visit: (field: AvroField, path: string) => void, prefix = ''): void {
  for (const field of record.fields) {
    visit(field, prefix + field.name);
    for (const branch of Array.isArray(field.type) ? field.type : [field.type]) {
      if ((branch as AvroRecordSchema)?.type === 'record') everyField(branch as AvroRecordSchema, visit, `${prefix}${field.name}.`);
    }
  }
}

/** Names of the value schemas of the topics of one kind (a schema may serve several topics). */
function schemasOfKind(kind: 'event' | 'control'): string[] {
  const names = meshTopics()
    .filter((t) => t.kind === kind && t.valueSchema)
    .map((t) => t.valueSchema as string);
  return [...new Set(names)].sort();
}

describe('schemas/', () => {
  it("declares the five claim-event schemas of DESIGN.md, the evidence answering a REQUEST_INFO, and the control schemas of the gateway's rollout, the subjects' data keys and their erasures, each for a topic", () => {
    expect(valueSchemaNames()).toEqual(['ClaimDecided', 'ClaimEnriched', 'ClaimEvidence', 'ClaimScored', 'ClaimSubmitted', 'ErasureRequest', 'ErasureStatus', 'ModelRollout', 'ReviewCompleted', 'SubjectKey']);
    expect(schemasOfKind('event')).toEqual(['ClaimDecided', 'ClaimEnriched', 'ClaimEvidence', 'ClaimScored', 'ClaimSubmitted', 'ReviewCompleted']);
    expect(schemasOfKind('control')).toEqual(['ErasureRequest', 'ErasureStatus', 'ModelRollout', 'SubjectKey']);
  });

  it.each(valueSchemaNames())('%s documents every field', (name) => {
    const undocumented: string[] = [];
    everyField(valueSchema(name).json, (field, path) => !field.doc && undocumented.push(path));
    expect(undocumented).toEqual([]);
  });

  it.each(schemasOfKind('event'))('claim event %s is namespaced com.claimsmesh.claims and carries the provenance fields', (name) => {
    const { json } = valueSchema(name);
    expect(json.namespace).toBe('com.claimsmesh.claims');
    expect(json.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['eventId', 'claimId', 'timestamps']));
  });

  it.each(meshTopics().filter((t) => t.kind === 'control'))(
    'control topic $name is compacted, has no dead-letter twin, and its namespaced schema carries eventId and its key field',
    (topic) => {
      const { json } = valueSchema(topic.valueSchema as string);
      expect(json.namespace).toBe('com.claimsmesh.control');
      const key = json.fields.find((f) => f.name === topic.keyField);
      expect(key?.type).toBe('string');
      expect(json.fields.map((f) => f.name)).toContain('eventId');
      expect(topic.configs['cleanup.policy']).toBe('compact');
      expect(meshTopics().some((t) => t.name === `${topic.name}.dlq`)).toBe(false);
    },
  );

  it('gives every Avro topic of topics.json (and its DLQ) a value schema, and refuses one for a JSON topic', () => {
    const avroTopics = meshTopics().filter((t) => t.valueFormat === 'avro');
    expect(avroTopics.length).toBe(20);
    for (const topic of avroTopics) expect(topicValueSchema(topic.name).name).toBeTruthy();
    expect(() => topicValueSchema('claims.inbound.json.v1')).toThrow('carries json, not Avro');
  });

  it('marks personal data with "pii": true, found from the schema alone', () => {
    expect(piiPaths(valueSchema('ClaimSubmitted').json)).toEqual([
      'customerId',
      'customerEmail',
      'policyId',
      'description',
      'serialNumber',
    ]);
    expect(piiPaths(valueSchema('ClaimDecided').json)).toEqual(
      expect.arrayContaining(['claim.customerId', 'claim.description', 'claim.serialNumber']),
    );
    expect(piiPaths(valueSchema('ReviewCompleted').json)).toEqual(['reviewerId', 'note']);
  });

  it('names each field that breaks the schema', () => {
    const type = valueSchema('ClaimSubmitted').type;
    const violations = schemaViolations(type, { eventId: 'e', claimId: 7, channel: 'FAX' });
    const paths = violations.map((v) => v.path);
    expect(paths).toEqual(expect.arrayContaining(['claimId', 'channel', 'customerId']));
    expect(violations.find((v) => v.path === 'customerId')?.problem).toBe('is required');
  });
});

describe('projectedValueSchema', () => {
  it('reads only the kept fields of a full record, even when a named type was first declared in a dropped field', () => {
    const full = valueSchema('ClaimScored');
    const projection = projectedValueSchema('ClaimScored', ['claimId', 'model', 'timestamps']);
    // StageTimestamps and ModelRef are first declared inside `claim` in the full schema.
    expect(projection.json.fields.map((f) => f.name)).toEqual(['claimId', 'model', 'timestamps']);
    const value = full.type.random() as Record<string, unknown>;
    const read = projection.type.fromBuffer(full.type.toBuffer(value), projection.type.createResolver(full.type)) as Record<string, unknown>;
    expect({ ...read }).toEqual({ claimId: value.claimId, model: { ...(value.model as object) }, timestamps: { ...(value.timestamps as object) } });
  });

  it('refuses a field the schema does not have', () => {
    expect(() => projectedValueSchema('ClaimScored', ['claimId', 'nope'])).toThrow('ClaimScored has no field(s) nope');
  });
});

describe('Confluent wire format framing', () => {
  it('writes magic byte 0 and the schema id big-endian before the Avro bytes', () => {
    const framed = frame(258, Buffer.from([7, 8]));
    expect([...framed]).toEqual([0, 0, 0, 1, 2, 7, 8]);
    expect(schemaIdOf(framed)).toBe(258);
  });

  it.each([
    ['an empty value', Buffer.alloc(0), 'NULL_VALUE'],
    ['a wrong magic byte', Buffer.from([1, 0, 0, 0, 1, 2]), 'BAD_MAGIC_BYTE'],
    ['a header cut short', Buffer.from([0, 0, 1]), 'BAD_MAGIC_BYTE'],
  ])('refuses %s', (_, bytes, problem) => {
    expect(() => schemaIdOf(bytes)).toThrow(WireFormatError);
    expect(() => schemaIdOf(bytes)).toThrow(problem);
  });
});
