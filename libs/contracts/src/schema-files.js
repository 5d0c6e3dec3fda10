// Reads schemas/ and expands named-type references, so each topic's value schema becomes
// one self-contained document (what the registry stores), with every attribute kept
// verbatim: doc, logicalType and the project's own "pii" marker.
// Plain JS so the type generator (a build step that runs before tsc) can use it too.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const SCHEMAS_DIR = join(__dirname, '..', '..', '..', 'schemas');
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function fullName(schema) {
  return schema.name.includes('.') || !schema.namespace ? schema.name : `${schema.namespace}.${schema.name}`;
}

/** Every named type declared in schemas/ (shared types and value schemas), by short and full name. */
function namedTypes(dir = SCHEMAS_DIR) {
  const byName = new Map();
  const files = [
    ...readdirSync(join(dir, 'types')).map((f) => join(dir, 'types', f)),
    ...readdirSync(dir).filter((f) => f.endsWith('.avsc')).map((f) => join(dir, f)),
  ];
  for (const file of files) {
    const schema = readJson(file);
    byName.set(schema.name, schema);
    byName.set(fullName(schema), schema);
  }
  return byName;
}

/** Replaces the first use of each named type by its definition; later uses stay references. */
function expand(schema, byName, defined = new Set()) {
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema) || defined.has(schema)) return schema;
    const named = byName.get(schema);
    if (!named) throw new Error(`schemas: unknown type "${schema}"`);
    return expand(named, byName, defined);
  }
  if (Array.isArray(schema)) return schema.map((branch) => expand(branch, byName, defined));
  const copy = { ...schema };
  if (copy.name && ['record', 'enum', 'fixed'].includes(copy.type)) {
    defined.add(copy.name);
    defined.add(fullName(copy));
  }
  if (copy.type === 'record') {
    copy.fields = copy.fields.map((field) => ({ ...field, type: expand(field.type, byName, defined) }));
  } else if (copy.type === 'array') {
    copy.items = expand(copy.items, byName, defined);
  } else if (copy.type === 'map') {
    copy.values = expand(copy.values, byName, defined);
  } else if (typeof copy.type !== 'string' || !PRIMITIVES.has(copy.type)) {
    if (!['enum', 'fixed', 'record'].includes(copy.type)) copy.type = expand(copy.type, byName, defined);
  }
  return copy;
}

/** The self-contained value schema of a record declared in schemas/NAME.avsc. */
function valueSchema(name, dir = SCHEMAS_DIR) {
  const byName = namedTypes(dir);
  const schema = readJson(join(dir, `${name}.avsc`));
  return expand(schema, byName);
}

/**
 * A reader schema for NAME's records that keeps only the named top-level fields, for a
 * consumer that reads a few fields of large records: Avro resolution skips the writer's
 * other fields without building them. Fields are picked before expansion, so a named type
 * first declared inside a dropped field is declared where it is first kept.
 */
function projectedValueSchema(name, keep, dir = SCHEMAS_DIR) {
  const byName = namedTypes(dir);
  const schema = readJson(join(dir, `${name}.avsc`));
  const missing = keep.filter((field) => !schema.fields.some((f) => f.name === field));
  if (missing.length) throw new Error(`schemas: ${name} has no field(s) ${missing.join(', ')}`);
  return expand({ ...schema, fields: schema.fields.filter((f) => keep.includes(f.name)) }, byName);
}

/** Names of the value schemas (schemas/*.avsc), e.g. ClaimSubmitted. */
function valueSchemaNames(dir = SCHEMAS_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .map((f) => f.replace(/\.avsc$/, ''))
    .sort();
}

module.exports = { SCHEMAS_DIR, namedTypes, valueSchema, projectedValueSchema, valueSchemaNames, expand };
