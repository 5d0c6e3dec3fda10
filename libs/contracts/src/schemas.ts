import * as avro from 'avsc';
import { Topic } from './generated/contracts';
import { meshTopics } from './topics';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schemaFiles = require('./schema-files') as {
  valueSchema(name: string, dir?: string): AvroRecordSchema;
  projectedValueSchema(name: string, keep: readonly string[], dir?: string): AvroRecordSchema;
  valueSchemaNames(dir?: string): string[];
};

export interface AvroField {
  name: string;
  type: unknown;
  doc?: string;
  pii?: boolean;
  default?: unknown;
}

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

/** A value schema of schemas/: its self-contained JSON (as registered) and its avsc type. */
export interface ValueSchema {
  name: string;
  json: AvroRecordSchema;
  type: avro.Type;
}

const cache = new Map<string, ValueSchema>();

/** The value schema declared in schemas/NAME.avsc, e.g. `valueSchema('ClaimSubmitted')`. */
export function valueSchema(name: string): ValueSchema {
  let schema = cache.get(name);
  if (!schema) {
    const json = schemaFiles.valueSchema(name);
    schema = { name, json, type: avro.Type.forSchema(json as avro.Schema) };
    cache.set(name, schema);
  }
  return schema;
}

/**
 * A reader schema of NAME keeping only the top-level fields in `keep` (same name, so it
 * resolves against any writer of NAME): decoding with it skips the other fields' bytes.
 * Not for writing or registering.
 */
export function projectedValueSchema(name: string, keep: readonly string[]): ValueSchema {
  const json = schemaFiles.projectedValueSchema(name, keep);
  return { name, json, type: avro.Type.forSchema(json as avro.Schema) };
}

export function valueSchemaNames(): string[] {
  return schemaFiles.valueSchemaNames();
}

/** The value schema of a topic of topics.json (its .dlq twin has the same one). */
export function topicValueSchema(topic: Topic | string): ValueSchema {
  const spec = meshTopics().find((t) => t.name === topic);
  if (!spec) throw new Error(`no topic "${topic}" in libs/contracts/topics.json`);
  if (!spec.valueSchema) throw new Error(`topic "${topic}" carries ${spec.valueFormat}, not Avro`);
  return valueSchema(spec.valueSchema);
}

/** The Confluent subject of a topic's values (TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/**
 * Dotted paths of the fields marked `"pii": true`, at any depth (e.g. `claim.customerId`),
 * so masking can be driven by the schema alone.
 */
export function piiPaths(schema: AvroRecordSchema): string[] {
  const paths: string[] = [];
  const visit = (record: AvroRecordSchema, prefix: string) => {
    for (const field of record.fields) {
      const path = prefix + field.name;
      if (field.pii) paths.push(path);
      for (const branch of Array.isArray(field.type) ? field.type : [field.type]) {
        if (isRecord(branch)) visit(branch, `${path}.`);
      }
    }
  };
  visit(schema, '');
  return paths;
}

function isRecord(schema: unknown): schema is AvroRecordSchema {
  return typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'record';
}

/** Why a value does not match its schema: one entry per bad field, with its dotted path. */
export function schemaViolations(type: avro.Type, value: unknown): { path: string; problem: string }[] {
  const violations: { path: string; problem: string }[] = [];
  type.isValid(value, {
    errorHook: (path, found, expected) => {
      const problem =
        found === undefined ? 'is required' : `has invalid value ${preview(found)} (expected ${expected.typeName ?? String(expected)})`;
      violations.push({ path: path.join('.') || '(root)', problem });
    },
  });
  return violations;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
