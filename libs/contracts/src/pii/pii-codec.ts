import { DataKey, EnvelopeParts, isEnvelope, open, parseEnvelope, seal } from './envelope';
import { subjectRefOf } from './data-keys';

/** Where the codec gets subjects' data keys (libs/platform's key store: Redis, and the key topic). */
export interface SubjectKeyring {
  /** The key new values of the subject are sealed with: synchronous when held, else loaded or created. */
  keyToSeal(subjectRef: string): DataKey | Promise<DataKey>;
  /** The key an envelope names; undefined once the subject is erased (its keys deleted). */
  keyToOpen(subjectRef: string, keyId: string): Promise<DataKey | undefined>;
}

/** How a schema's values are walked: built once per schema from its marks. */
interface Plan {
  /** Seals every plaintext `pii` string of the value (a copy; the input is left as it is). */
  seal(value: unknown, key: DataKey): unknown;
  /** Replaces every envelope by what `open` gives for it (a copy). */
  open(value: unknown, opened: Map<string, string | null>): unknown;
  /** Every envelope in the value. */
  envelopes(value: unknown, into: string[]): void;
  /** The value's subject: a `"subject": "id"` field (a customer id, plaintext or sealed) or `"subject": "ref"` (its pseudonym). */
  subject(value: unknown, pseudonym: (customerId: string) => string): string | undefined;
  /** Whether any plaintext `pii` string is in the value. */
  hasPlaintext(value: unknown): boolean;
}

type Json = Record<string, unknown>;
const NONE: Plan = {
  seal: (value) => value,
  open: (value) => value,
  envelopes: () => undefined,
  subject: () => undefined,
  hasPlaintext: () => false,
};

function isStringType(type: unknown): boolean {
  return type === 'string' || (typeof type === 'object' && type !== null && (type as Json).type === 'string');
}

/** A pii field's type: a string, or a union of null and a string. */
function piiStringType(type: unknown): boolean {
  if (Array.isArray(type)) return type.length === 2 && type.includes('null') && type.some(isStringType);
  return isStringType(type);
}

function piiLeaf(): Plan {
  return {
    seal: (value, key) => (typeof value === 'string' && !isEnvelope(value) ? seal(key, value) : value),
    open: (value, opened) => (isEnvelope(value) ? (opened.get(value) ?? null) : value),
    envelopes: (value, into) => {
      if (isEnvelope(value)) into.push(value);
    },
    subject: () => undefined,
    hasPlaintext: (value) => typeof value === 'string' && !isEnvelope(value),
  };
}

function compile(type: unknown, named: Map<string, Json>): Plan {
  if (typeof type === 'string') {
    const definition = named.get(type);
    return definition ? compile(definition, named) : NONE;
  }
  if (Array.isArray(type)) {
    // avsc gives a union of null and one type as the bare value (or null).
    const plans = type.map((branch) => compile(branch, named)).filter((plan) => plan !== NONE);
    if (plans.length === 0) return NONE;
    if (plans.length > 1) throw new Error('pii inside a union of several record types is not supported');
    const [inner] = plans;
    return {
      seal: (value, key) => (value === null ? value : inner.seal(value, key)),
      open: (value, opened) => (value === null ? value : inner.open(value, opened)),
      envelopes: (value, into) => (value === null ? undefined : inner.envelopes(value, into)),
      subject: (value, pseudonym) => (value === null ? undefined : inner.subject(value, pseudonym)),
      hasPlaintext: (value) => value !== null && inner.hasPlaintext(value),
    };
  }
  const schema = type as Json;
  if (schema.type === 'array') {
    const items = compile(schema.items, named);
    if (items === NONE) return NONE;
    return {
      seal: (value, key) => (value as unknown[]).map((item) => items.seal(item, key)),
      open: (value, opened) => (value as unknown[]).map((item) => items.open(item, opened)),
      envelopes: (value, into) => (value as unknown[]).forEach((item) => items.envelopes(item, into)),
      subject: (value, pseudonym) => (value as unknown[]).map((item) => items.subject(item, pseudonym)).find((ref) => ref !== undefined),
      hasPlaintext: (value) => (value as unknown[]).some((item) => items.hasPlaintext(item)),
    };
  }
  if (schema.type !== 'record') return isStringType(schema) || typeof schema.type !== 'object' ? NONE : compile(schema.type, named);
  named.set(schema.name as string, schema);
  if (schema.namespace) named.set(`${schema.namespace as string}.${schema.name as string}`, schema);
  const fields: { name: string; plan: Plan; subject?: 'id' | 'ref' }[] = [];
  for (const field of schema.fields as Json[]) {
    const name = field.name as string;
    const subject = field.subject as 'id' | 'ref' | undefined;
    if (field.pii === true) {
      if (!piiStringType(field.type)) throw new Error(`pii field ${schema.name as string}.${name} must be a string or a union of null and a string`);
      fields.push({ name, plan: piiLeaf(), subject });
    } else {
      const plan = compile(field.type, named);
      if (plan !== NONE || subject) fields.push({ name, plan, subject });
    }
  }
  if (fields.length === 0) return NONE;
  return {
    seal(value, key) {
      const copy = { ...(value as Json) };
      for (const { name, plan } of fields) copy[name] = plan.seal(copy[name], key);
      return copy;
    },
    open(value, opened) {
      const copy = { ...(value as Json) };
      for (const { name, plan } of fields) copy[name] = plan.open(copy[name], opened);
      return copy;
    },
    envelopes(value, into) {
      for (const { name, plan } of fields) plan.envelopes((value as Json)[name], into);
    },
    subject(value, pseudonym) {
      const record = value as Json;
      for (const { name, plan, subject } of fields) {
        const field = record[name];
        if (subject && typeof field === 'string') {
          if (subject === 'ref') return field;
          return isEnvelope(field) ? parseEnvelope(field)?.subjectRef : pseudonym(field);
        }
        const inner = plan.subject(field, pseudonym);
        if (inner !== undefined) return inner;
      }
      return undefined;
    },
    hasPlaintext(value) {
      return fields.some(({ name, plan }) => plan.hasPlaintext((value as Json)[name]));
    },
  };
}

/**
 * Seals and opens the fields the schemas mark `pii`, from the marks alone: the serde seals on
 * every encode (values already sealed pass through, so a record re-published downstream is not
 * sealed twice), and the places where a person reads the data (a reviewer's task, audit's
 * lineage) open them. Records are decoded sealed: a service that only moves or stores a claim
 * never holds its plaintext, and every copy it makes is shredded with the subject's keys.
 */
export class PiiCodec {
  private readonly plans = new Map<string, Plan>();

  constructor(
    private readonly keyring: SubjectKeyring,
    private readonly pseudonymSecret: Buffer,
  ) {}

  /** The subject's pseudonym (keyed, so not recomputable without the secret). */
  subjectRef(customerId: string): string {
    return isEnvelope(customerId) ? (parseEnvelope(customerId)?.subjectRef as string) : subjectRefOf(this.pseudonymSecret, customerId);
  }

  /** The keyed pseudonym of any personal value (e.g. a serial number), for keys that must group by it without holding it. */
  pseudonym(value: string): string {
    return subjectRefOf(this.pseudonymSecret, value);
  }

  private planOf(schemaName: string, json: unknown): Plan {
    let plan = this.plans.get(schemaName);
    if (!plan) {
      plan = compile(json, new Map());
      this.plans.set(schemaName, plan);
    }
    return plan;
  }

  /** The value with its plaintext pii sealed: synchronous when the subject's key is held. Throws when pii has no subject to seal it under. */
  seal(schemaName: string, json: unknown, value: unknown): unknown {
    const plan = this.planOf(schemaName, json);
    if (plan === NONE || !plan.hasPlaintext(value)) return value;
    const subjectRef = plan.subject(value, (id) => this.subjectRef(id));
    if (!subjectRef) throw new Error(`${schemaName} has personal data but no subject to seal it under`);
    const key = this.keyring.keyToSeal(subjectRef);
    return key instanceof Promise ? key.then((held) => plan.seal(value, held)) : plan.seal(value, key);
  }

  /** The value with every envelope opened; a field of an erased subject (or one that does not open) becomes null. */
  async open<T>(schemaName: string, json: unknown, value: T): Promise<T> {
    const plan = this.planOf(schemaName, json);
    const envelopes: string[] = [];
    plan.envelopes(value, envelopes);
    if (envelopes.length === 0) return value;
    const opened = new Map<string, string | null>();
    await Promise.all([...new Set(envelopes)].map(async (text) => opened.set(text, await this.openText(text))));
    return plan.open(value, opened) as T;
  }

  /** One envelope's plaintext; null when its subject was erased, or it does not open (tampered, another key). Plain text is returned as it is. */
  async openText(text: string): Promise<string | null> {
    if (!isEnvelope(text)) return text;
    const parts = parseEnvelope(text) as EnvelopeParts;
    const key = await this.keyring.keyToOpen(parts.subjectRef, parts.keyId);
    if (!key) return null;
    try {
      return open(key, parts);
    } catch {
      return null;
    }
  }
}
