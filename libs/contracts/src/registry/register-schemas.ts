import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { meshTopics } from '../topics';
import { AvroRecordSchema, valueSchema, valueSubject } from '../schemas';
import { RegistryConnection, registryConnection, registryRequest, schemaRegistryClient } from './registry-client';

export interface SubjectSchema {
  subject: string;
  schema: AvroRecordSchema;
}

export interface Registered {
  subject: string;
  id: number;
}

/** The registry refused a schema because it breaks the subject's compatibility rule. */
export class IncompatibleSchemaError extends Error {
  override readonly name = 'IncompatibleSchemaError';
}

/** `<topic>-value` with its local schema, for every Avro topic of topics.json (DLQs hold raw bytes: no subject). */
export function meshSubjects(): SubjectSchema[] {
  return meshTopics()
    .filter((t) => !t.isDeadLetter && t.valueSchema)
    .map((t) => ({ subject: valueSubject(t.name), schema: valueSchema(t.valueSchema as string).json }));
}

/**
 * Sets BACKWARD compatibility on each subject and registers its schema. An incompatible
 * change is refused by the registry (HTTP 409) and reported as IncompatibleSchemaError.
 */
export async function registerSchemas(registry: string | RegistryConnection, subjects: SubjectSchema[]): Promise<Registered[]> {
  const connection = typeof registry === 'string' ? registryConnection(registry) : registry;
  const client = schemaRegistryClient(connection);
  const registered: Registered[] = [];
  for (const { subject, schema } of subjects) {
    await setBackwardCompatibility(connection, subject);
    try {
      const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
      registered.push({ subject, id });
    } catch (error) {
      const { status, message } = error as { status?: number; message: string };
      if (status === 409) throw new IncompatibleSchemaError(`${subject}: schema is not BACKWARD compatible with the registered versions: ${message}`);
      throw error;
    }
  }
  return registered;
}

async function setBackwardCompatibility(connection: RegistryConnection, subject: string): Promise<void> {
  const res = await registryRequest(connection, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: 'BACKWARD' });
  if (res.status < 200 || res.status > 299) throw new Error(`cannot set BACKWARD on ${subject}: HTTP ${res.status} ${res.text}`);
}
