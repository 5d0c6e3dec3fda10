// Generates src/generated/contracts.ts, the TypeScript types of every Avro named type in
// schemas/, so no type is written by hand a second time. Runs as the first build step.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { namedTypes } = require('../src/schema-files');

const OUT = join(__dirname, '..', 'src', 'generated', 'contracts.ts');
const TOPICS = require('../topics.json').topics;
const NUMBERS = new Set(['int', 'long', 'float', 'double']);

function shortName(name) {
  return name.split('.').pop();
}

function tsType(schema) {
  if (typeof schema === 'string') {
    if (NUMBERS.has(schema)) return 'number';
    if (schema === 'string' || schema === 'boolean' || schema === 'null') return schema;
    if (schema === 'bytes') return 'Buffer';
    return shortName(schema);
  }
  if (Array.isArray(schema)) return schema.map(tsType).join(' | ');
  switch (schema.type) {
    case 'array':
      return `${wrap(tsType(schema.items))}[]`;
    case 'map':
      return `Record<string, ${tsType(schema.values)}>`;
    case 'record':
    case 'enum':
    case 'fixed':
      return shortName(schema.name);
    default:
      return tsType(schema.type); // a primitive with a logicalType: same JS value
  }
}

function wrap(type) {
  return type.includes('|') ? `(${type})` : type;
}

function comment(doc, indent = '') {
  return doc ? `${indent}/** ${doc.replace(/\*\//g, '* /')} */\n` : '';
}

/**
 * A number or boolean field with a default (one added to a schema later, e.g. ClaimSubmitted's
 * revision) may be left out by code that writes the record: the encoder writes its default,
 * and every decoded record has it. Other fields stay required, as they always were.
 */
function optionalInCode(field) {
  return ['int', 'long', 'boolean'].includes(field.type) && field.default !== undefined && field.default !== null;
}

function declaration(schema) {
  const name = shortName(schema.name);
  if (schema.type === 'enum') {
    const symbols = schema.symbols.map((s) => `'${s}'`).join(', ');
    return (
      `${comment(schema.doc)}export const ${name}Symbols = [${symbols}] as const;\n` +
      `export type ${name} = (typeof ${name}Symbols)[number];\n`
    );
  }
  const fields = schema.fields
    .map((f) => `${comment(f.doc, '  ')}  ${f.name}${optionalInCode(f) ? '?' : ''}: ${tsType(f.type)};`)
    .join('\n');
  return `${comment(schema.doc)}export interface ${name} {\n${fields}\n}\n`;
}

/** Named types nested inline (e.g. an enum declared inside a field) are declared too. */
function collectNested(schema, into) {
  if (Array.isArray(schema)) return schema.forEach((s) => collectNested(s, into));
  if (!schema || typeof schema !== 'object') return;
  if ((schema.type === 'record' || schema.type === 'enum') && schema.name) into.set(shortName(schema.name), schema);
  if (schema.type === 'record') schema.fields.forEach((f) => collectNested(f.type, into));
  if (schema.type === 'array') collectNested(schema.items, into);
  if (schema.type === 'map') collectNested(schema.values, into);
  if (typeof schema.type === 'object') collectNested(schema.type, into);
}

/** The value type of each Avro topic `which` picks, and the union of their names. */
function topicValues(interfaceName, unionName, which, what) {
  const entries = TOPICS.filter((t) => t.valueSchema && which(t)).map((t) => `  '${t.name}': ${t.valueSchema};`);
  return (
    `\n/** The value type of each ${what} of topics.json. */\nexport interface ${interfaceName} {\n${entries.join('\n')}\n}\n\n` +
    `export type ${unionName} = keyof ${interfaceName};\n`
  );
}

const isEvent = (t) => (t.kind ?? 'event') === 'event';

function generate() {
  const declared = new Map();
  for (const schema of new Set(namedTypes().values())) collectNested(schema, declared);
  const body = [...declared.keys()]
    .sort()
    .map((name) => declaration(declared.get(name)))
    .join('\n');
  const topicMap =
    topicValues('TopicValues', 'Topic', (t) => isEvent(t) && !t.entrance, 'claim-event topic') +
    topicValues('EntranceTopicValues', 'EntranceTopic', (t) => isEvent(t) && t.entrance, 'Avro entrance topic (upstream plaintext, read by ingest only)') +
    topicValues('ControlTopicValues', 'ControlTopic', (t) => t.kind === 'control', 'control topic');
  const header =
    '// Generated from schemas/*.avsc by libs/contracts/scripts/generate-types.js. Do not edit:\n' +
    '// change the schema and rebuild. Timestamps (timestamp-millis) are epoch milliseconds,\n' +
    '// dates (date) days since the epoch, money is a long in minor units.\n\n';
  mkdirSync(join(OUT, '..'), { recursive: true });
  writeFileSync(OUT, header + body + topicMap);
  console.log(`[contracts] generated ${declared.size} types into ${OUT}`);
}

generate();
