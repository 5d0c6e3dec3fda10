import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { stack } from '@claims-mesh/testing';

describe('Schema registry of the local stack (Confluent API)', () => {
  const registry = new SchemaRegistry({ host: stack.registryUrl });
  const subject = `it-stack-${randomUUID()}-value`;
  const schema = {
    type: 'record',
    name: 'Probe',
    namespace: 'it.stack',
    fields: [{ name: 'claimId', type: 'string' }],
  };

  it('registers a schema and gives it back by id', async () => {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
    expect(id).toBeGreaterThan(0);

    // A second client has an empty cache, so this really reads the schema back from the server.
    const reader = new SchemaRegistry({ host: stack.registryUrl });
    const fetched = (await reader.getSchema(id)) as unknown as { name: string; toJSON(): unknown };
    expect(fetched.name).toBe('it.stack.Probe');
    expect(fetched.toJSON()).toEqual({ ...schema, namespace: undefined, name: 'it.stack.Probe' });
    expect(await reader.getLatestSchemaId(subject)).toBe(id);

    const encoded = await registry.encode(id, { claimId: 'c-1' });
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await reader.decode(encoded)).toEqual({ claimId: 'c-1' });
  });
});
