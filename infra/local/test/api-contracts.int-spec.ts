import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import RandExp from 'randexp';
import { Mesh, RawHttpClient, RawResponse } from '@claims-mesh/testing';
import { ROLES } from './auth-matrix';

// The OpenAPI documents of ingest, human-task and audit against the running services (issue 25,
// point 1), both ways: for every operation of each served /docs-json, requests generated from the
// document itself (valid ones from its schemas and examples, and invalid ones violating each
// constraint in turn) get a status the document lists for that operation and a body valid
// against its schema; valid requests are accepted (2xx, or the documented 404 for ids that do not
// exist), invalid ones are refused with 400 naming the field. Also 401 without a key, 403 with a
// key lacking the scope, 415 for a body that is not JSON and 413 over the body limit.

const PORT_BASE = 14500;
const SERVICES = ['ingest', 'human-task', 'audit'] as const;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const MAX_BODY_BYTES = 1_048_576;

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | Schema;
  example?: unknown;
};
interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: { 'application/json': { schema: Schema } } };
  responses: Record<string, { content?: { 'application/json': { schema: Schema } }; headers?: Record<string, unknown> }>;
  'x-required-scope'?: string;
}
interface Document {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: { schemas: Record<string, Schema> };
}

/** One request built from the document, and what the document says of it. */
interface Case {
  label: string;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  /** The field a 400 must name, for an invalid request; undefined for a valid one. */
  invalidField?: string;
}

const run = randomUUID().slice(0, 8);

/** A service's document, with a validator for its schemas ($refs resolved against its components). */
class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly id: string;
  private readonly compiled = new Map<string, ReturnType<Ajv2020['compile']>>();

  constructor(
    readonly service: string,
    readonly document: Document,
  ) {
    addFormats(this.ajv);
    this.id = `https://contracts.test/${service}`;
    this.ajv.addSchema({ $id: this.id, components: document.components });
  }

  resolve(schema: Schema): Schema {
    let resolved = schema;
    while (resolved.$ref) resolved = this.document.components.schemas[resolved.$ref.replace('#/components/schemas/', '')];
    return resolved;
  }

  /** Whether the document says the value is valid for the schema (an error text when it is not). */
  problem(schema: Schema, value: unknown): string | undefined {
    const text = JSON.stringify(schema).replaceAll('"#/components/', `"${this.id}#/components/`);
    let validate = this.compiled.get(text);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(text) as Schema);
      this.compiled.set(text, validate);
    }
    return validate(value) ? undefined : this.ajv.errorsText(validate.errors);
  }

  /** A value the schema accepts: its example, an enum value, or one made from its constraints. */
  valid(input: Schema, full: boolean): unknown {
    const schema = this.resolve(input);
    const candidates: unknown[] = [];
    if (schema.example !== undefined) candidates.push(schema.example);
    if (schema.enum) candidates.push(...schema.enum.filter((v) => v !== null));
    for (const branch of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
      if (branch.type === 'null') continue;
      try {
        candidates.push(this.valid({ ...schema, oneOf: undefined, anyOf: undefined, ...branch, type: branch.type ?? baseType(schema) }, full));
      } catch {
        // A branch the rest of the schema rules out (a date-time where a YYYY-MM-DD pattern applies).
      }
    }
    const type = baseType(schema);
    if (type === 'object') {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (full || schema.required?.includes(name)) value[name] = this.valid(property, full);
      }
      candidates.push(value);
    } else if (type === 'array') {
      candidates.push(Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => this.valid(schema.items ?? {}, full)));
    } else if (type === 'integer' || type === 'number') {
      candidates.push(schema.minimum ?? 1, schema.maximum ?? 1);
    } else if (type === 'boolean') {
      candidates.push(true);
    } else if (type === 'string') {
      const formats: Record<string, () => string> = {
        uuid: () => randomUUID(),
        date: () => '2025-06-01',
        'date-time': () => new Date().toISOString(),
        email: () => `contract.${run}@example.test`,
      };
      if (schema.format && formats[schema.format]) candidates.push(formats[schema.format]());
      if (schema.pattern) {
        const generator = new RandExp(schema.pattern);
        generator.max = 8;
        for (let i = 0; i < 20; i++) candidates.push(generator.gen());
      }
      candidates.push(`ct-${run}`.slice(0, schema.maxLength ?? 64).padEnd(schema.minLength ?? 1, 'x'));
    }
    const found = candidates.find((c) => !this.problem(input, c));
    if (found === undefined) throw new Error(`${this.service}: no valid value for ${JSON.stringify(input)}`);
    return found;
  }

  /** Values the schema refuses, each breaking one of its constraints, named by the constraint. */
  invalid(input: Schema, asQueryString: boolean): [string, unknown][] {
    const schema = this.resolve(input);
    const type = baseType(schema);
    const out: [string, unknown][] = [];
    const offer = (label: string, value: unknown) => {
      if (this.problem(input, asQueryString ? coerce(schema, value) : value)) out.push([label, value]);
    };
    if (!asQueryString) {
      offer('wrong type', type === 'string' ? 12345 : type === 'array' || type === 'object' ? 'not-an-object' : 'not-a-number');
      if (type !== 'boolean') offer('wrong type (boolean)', true);
    } else if (type === 'integer' || type === 'number') {
      offer('wrong type', 'abc');
    }
    if (type === 'integer') offer('not whole', asQueryString ? '1.5' : 1.5);
    if (schema.minimum !== undefined) offer('below minimum', asQueryString ? String(schema.minimum - 1) : schema.minimum - 1);
    if (schema.maximum !== undefined) offer('above maximum', asQueryString ? String(schema.maximum + 1) : schema.maximum + 1);
    if (schema.enum) offer('not in enum', 'NOT_ONE_OF_THEM');
    if (schema.maxLength !== undefined) offer('too long', 'a'.repeat(schema.maxLength + 1));
    if (schema.minLength) offer('too short', '');
    if (schema.format) offer(`not a ${schema.format}`, `not-a-${schema.format}`);
    if (schema.pattern || schema.anyOf || schema.oneOf) {
      const breaking = ['!! not valid !!', '', ' ', '2025-02-30T25:61', 'a'.repeat(1000)].find((v) => this.problem(input, v));
      if (breaking !== undefined) offer('pattern broken', breaking);
    }
    if (type === 'array' && schema.minItems) offer('too few items', []);
    if (type === 'array' && schema.maxItems !== undefined && schema.maxItems < 5000) {
      offer('too many items', Array.from({ length: schema.maxItems + 1 }, () => this.valid(schema.items ?? {}, false)));
    }
    return out;
  }

  /** The valid and invalid requests of one operation. */
  cases(pathTemplate: string, operation: Operation): Case[] {
    const params = operation.parameters ?? [];
    const bodySchema = operation.requestBody?.content['application/json'].schema;
    const base = (full: boolean): Case => {
      const c: Case = { label: full ? 'valid, every field' : 'valid, required fields only', path: {}, query: {}, headers: {} };
      for (const p of params) {
        // Cursors are opaque: a valid one only comes from a page's nextCursor.
        if (p.name === 'cursor' || !(p.required || full)) continue;
        const value = this.valid(p.schema, full);
        (p.in === 'path' ? c.path : p.in === 'query' ? c.query : c.headers)[p.name] = String(value);
      }
      if (bodySchema) c.body = this.valid(bodySchema, full);
      return c;
    };
    const cases = [base(false), base(true)];
    if (bodySchema) {
      const nulls = base(false);
      nulls.label = 'valid, optional fields null';
      nulls.body = this.withNulls(bodySchema, nulls.body);
      cases.push(nulls);
    }
    // Each parameter broken in turn, the rest valid.
    for (const p of params) {
      // Parameters travel as text: each is judged as the text it is sent as.
      for (const [label, value] of this.invalid(p.schema, true)) {
        const c = base(true);
        (p.in === 'path' ? c.path : p.in === 'query' ? c.query : c.headers)[p.name] = String(value);
        cases.push({ ...c, label: `${p.in} ${p.name}: ${label}`, invalidField: p.name });
      }
    }
    // Each constraint of the body broken in turn, nested objects included.
    if (bodySchema) {
      for (const { field, label, mutate } of this.bodyMutations(bodySchema, [])) {
        const c = base(true);
        c.body = mutate(structuredClone(c.body));
        cases.push({ ...c, label: `body ${field || '(body)'}: ${label}`, invalidField: field || '(body)' });
      }
    }
    void pathTemplate;
    return cases;
  }

  private withNulls(input: Schema, value: unknown): unknown {
    const schema = this.resolve(input);
    const out = { ...(value as Record<string, unknown>) };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (!schema.required?.includes(name) && !this.problem(property, null)) out[name] = null;
    }
    return out;
  }

  private bodyMutations(input: Schema, path: string[]): { field: string; label: string; mutate: (body: unknown) => unknown }[] {
    const schema = this.resolve(input);
    const field = fieldName(path);
    const set = (body: unknown, value: unknown): unknown => {
      if (path.length === 0) return value;
      let node = body as Record<string, unknown>;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[path[path.length - 1]] = value;
      return body;
    };
    const out = this.invalid(input, false).map(([label, value]) => ({ field, label, mutate: (body: unknown) => set(body, value) }));
    if (baseType(schema) === 'object') {
      for (const name of schema.required ?? []) {
        out.push({
          field: fieldName([...path, name]),
          label: 'missing required',
          mutate: (body) => {
            let node = body as Record<string, unknown>;
            for (const key of path) node = node[key] as Record<string, unknown>;
            delete node[name];
            return body;
          },
        });
      }
      if (schema.additionalProperties === false) {
        out.push({
          field: fieldName([...path, 'unknownField']),
          label: 'unknown field',
          mutate: (body) => {
            let node = body as Record<string, unknown>;
            for (const key of path) node = node[key] as Record<string, unknown>;
            node.unknownField = 'x';
            return body;
          },
        });
      }
      for (const [name, property] of Object.entries(schema.properties ?? {})) out.push(...this.bodyMutations(property, [...path, name]));
    } else if (baseType(schema) === 'array' && schema.items) {
      out.push(...this.bodyMutations(schema.items, [...path, '0']));
    }
    return out;
  }
}

function baseType(schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  return [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].map(baseType).find((t) => t && t !== 'null');
}

/** A query parameter's text as the schema reads it (numbers for numeric schemas). */
function coerce(schema: Schema, value: unknown): unknown {
  const type = baseType(schema);
  if ((type === 'integer' || type === 'number') && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** How libs/platform names a field: `claims[0].currency`. */
function fieldName(path: string[]): string {
  return path.reduce((name, key) => (/^\d+$/.test(key) ? `${name}[${key}]` : name ? `${name}.${key}` : key), '');
}

function urlOf(template: string, c: Pick<Case, 'path' | 'query'>): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(c.path[name] ?? `missing-${name}`));
  const query = new URLSearchParams(c.query).toString();
  return query ? `${path}?${query}` : path;
}

/** A key with the scope (the narrowest role that has it), and one without it. */
function keysFor(scope: string): { granted: string; lacking: string } {
  const roles = Object.values(ROLES) as { key: string; scopes: readonly string[] }[];
  const granted = roles.filter((r) => r.scopes.includes(scope)).sort((a, b) => a.scopes.length - b.scopes.length)[0];
  const lacking = roles.find((r) => !r.scopes.includes(scope));
  if (!granted || !lacking) throw new Error(`no dev keys for and without ${scope}`);
  return { granted: granted.key, lacking: lacking.key };
}

describe('API contracts: each served OpenAPI document is exact (ingest, human-task, audit, real stack)', () => {
  let mesh: Mesh;
  const contracts = new Map<string, Contract>();
  const clients = new Map<string, RawHttpClient>();

  beforeAll(async () => {
    mesh = await Mesh.start(PORT_BASE);
    for (const service of SERVICES) {
      const res = await fetch(mesh.service(service).url('/docs-json'));
      expect(res.status).toBe(200);
      contracts.set(service, new Contract(service, (await res.json()) as Document));
      clients.set(service, new RawHttpClient(mesh.service(service).url('/'), 4));
    }
  }, 180_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await mesh?.stop();
  });

  it.each(SERVICES)('%s serves an OpenAPI 3.1 document at /docs-json and its page at /docs', async (service) => {
    const { document } = contracts.get(service) as Contract;
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths).length).toBeGreaterThan(0);
    const page = await fetch(mesh.service(service).url('/docs'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });

  /** What the document says is wrong with a response to an operation, or undefined. */
  function responseProblem(contract: Contract, operation: Operation, res: RawResponse): string | undefined {
    const documented = operation.responses[String(res.status)];
    if (!documented) return `status ${res.status} is not documented (${Object.keys(operation.responses).join(', ')}): ${res.body.slice(0, 300)}`;
    if (documented.headers?.['Retry-After'] && !res.headers['retry-after']) return `${res.status} without Retry-After`;
    const schema = documented.content?.['application/json']?.schema;
    if (!schema) return undefined;
    if (!String(res.headers['content-type']).startsWith('application/json')) return `content-type ${res.headers['content-type']}`;
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      return `body is not JSON: ${res.body.slice(0, 200)}`;
    }
    const problem = contract.problem(schema, body);
    return problem && `${res.status} body does not match the document: ${problem}: ${res.body.slice(0, 300)}`;
  }

  it.each(SERVICES)('%s: every operation accepts what its document says is valid and refuses the rest with 400 naming the field', async (service) => {
    const contract = contracts.get(service) as Contract;
    const http = clients.get(service) as RawHttpClient;
    const failures: string[] = [];
    let sent = 0;
    const operations: string[] = [];
    for (const [template, item] of Object.entries(contract.document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        operations.push(`${method.toUpperCase()} ${template} (${Object.keys(operation.responses).join(', ')})`);
        const scope = operation['x-required-scope'];
        const key = scope ? keysFor(scope).granted : undefined;
        for (const c of contract.cases(template, operation)) {
          const headers: Record<string, string> = { ...c.headers, ...(key ? { 'x-api-key': key } : {}) };
          if (c.body !== undefined) headers['content-type'] = 'application/json';
          const res = await http.send(method.toUpperCase(), urlOf(template, c), headers, c.body === undefined ? undefined : Buffer.from(JSON.stringify(c.body)));
          sent++;
          const where = `${method.toUpperCase()} ${template} [${c.label}]`;
          const problem = responseProblem(contract, operation, res);
          if (problem) failures.push(`${where}: ${problem}`);
          if (c.invalidField === undefined) {
            if (!(res.status < 300 || res.status === 404 || res.status === 409)) failures.push(`${where}: valid request answered ${res.status}: ${res.body.slice(0, 300)}`);
          } else if (res.status !== 400) {
            failures.push(`${where}: invalid request answered ${res.status}, not 400: ${res.body.slice(0, 200)}`);
          } else if (c.invalidField === '(body)' && (JSON.parse(res.body) as { error: string }).error === 'malformed_json') {
            // A body that is not a JSON object or array: the JSON parser refuses the whole body.
          } else {
            const fields = ((JSON.parse(res.body) as { fields?: { field: string }[] }).fields ?? []).map((f) => f.field);
            const named = fields.some((f) => f === c.invalidField || c.invalidField?.startsWith(`${f}[`) || c.invalidField?.startsWith(`${f}.`) || f.startsWith(`${c.invalidField}.`) || f.startsWith(`${c.invalidField}[`));
            if (!named) failures.push(`${where}: 400 names ${JSON.stringify(fields)}, not ${c.invalidField}`);
          }
        }
      }
    }
    console.warn(`${service}: ${sent} generated requests over ${operations.length} operations (${operations.join('; ')})`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(operations.length * 3);
  });

  it.each(SERVICES)('%s: every operation answers 401 without a key, 403 without the scope, 415 for a body that is not JSON and 413 over the limit, as documented', async (service) => {
    const contract = contracts.get(service) as Contract;
    const http = clients.get(service) as RawHttpClient;
    const failures: string[] = [];
    for (const [template, item] of Object.entries(contract.document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const [valid] = contract.cases(template, operation);
        const url = urlOf(template, valid);
        const scope = operation['x-required-scope'];
        const keys = scope ? keysFor(scope) : undefined;
        const json = { 'content-type': 'application/json' };
        const body = Buffer.from(JSON.stringify(valid.body ?? {}));
        const probes: [number, Record<string, string>, Buffer | undefined][] = [
          [415, { 'content-type': 'text/plain', ...(keys ? { 'x-api-key': keys.granted } : {}) }, Buffer.from('not json')],
          [413, { ...json, ...(keys ? { 'x-api-key': keys.granted } : {}) }, Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)],
        ];
        if (keys) {
          probes.push([401, json, body], [401, { ...json, 'x-api-key': `not-a-key-${run}` }, body], [403, { ...json, 'x-api-key': keys.lacking }, body]);
        }
        for (const [expected, headers, payload] of probes) {
          const res = await http.send(method.toUpperCase(), url, headers, payload);
          const where = `${method.toUpperCase()} ${template} expecting ${expected}`;
          if (res.status !== expected) failures.push(`${where}: ${res.status} ${res.body.slice(0, 200)}`);
          const problem = responseProblem(contract, operation, res);
          if (problem) failures.push(`${where}: ${problem}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
