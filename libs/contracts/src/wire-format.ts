import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import * as avro from 'avsc';
import { PiiCodec } from './pii/pii-codec';
import { topicValueSchema, ValueSchema, valueSubject } from './schemas';
import { RegistryConnection, registryConnection, schemaRegistryClient } from './registry/registry-client';

/**
 * Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the value. The same bytes Java, Python and Go Confluent clients
 * write and read.
 */
const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

export type WireFormatProblem =
  | 'NULL_VALUE'
  | 'BAD_MAGIC_BYTE'
  | 'UNKNOWN_SCHEMA_ID'
  | 'INCOMPATIBLE_WRITER_SCHEMA'
  | 'MALFORMED_AVRO'
  | 'INVALID_VALUE';

/** A record that can never be decoded or encoded as it is: retrying will not help. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';

  constructor(
    readonly problem: WireFormatProblem,
    message: string,
  ) {
    super(`${problem}: ${message}`);
  }
}

// Encoding goes through one reusable buffer with the header in place, then one exact copy.
let scratch = Buffer.allocUnsafe(64 * 1024);

function encodeFramed(schemaId: number, type: avro.Type, value: unknown): Buffer {
  scratch.writeUInt8(MAGIC_BYTE, 0);
  scratch.writeInt32BE(schemaId, 1);
  const end = type.encode(value, scratch, HEADER_LENGTH);
  if (end < 0) {
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
    return encodeFramed(schemaId, type, value);
  }
  const out = Buffer.allocUnsafe(end);
  scratch.copy(out, 0, 0, end);
  return out;
}

export function frame(schemaId: number, avroBytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + avroBytes.length);
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeInt32BE(schemaId, 1);
  avroBytes.copy(out, HEADER_LENGTH);
  return out;
}

export function schemaIdOf(bytes: Buffer | null): number {
  if (!bytes || bytes.length === 0) throw new WireFormatError('NULL_VALUE', 'the record has no value');
  if (bytes.length < HEADER_LENGTH || bytes[0] !== MAGIC_BYTE) {
    throw new WireFormatError('BAD_MAGIC_BYTE', `expected magic byte 0 and a 4-byte schema id, got ${bytes.subarray(0, 5).toString('hex')}`);
  }
  return bytes.readInt32BE(1);
}

function readBody<T>(reader: avro.Type, bytes: Buffer, resolver: avro.Resolver | undefined, writerId: number): T {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = reader.decode(bytes, HEADER_LENGTH, resolver);
  } catch (error) {
    throw new WireFormatError('MALFORMED_AVRO', `schema id ${writerId}: ${(error as Error).message}`);
  }
  if (decoded.offset !== bytes.length) {
    const why = decoded.offset < 0 ? 'truncated value' : `${bytes.length - decoded.offset} trailing bytes`;
    throw new WireFormatError('MALFORMED_AVRO', `schema id ${writerId}: ${why}`);
  }
  return decoded.value as T;
}

interface Writer {
  id: number;
  type: avro.Type;
}

/**
 * Encodes and decodes topic values against the schema registry. Schema ids, writer schemas
 * and reader/writer resolvers are cached, so after the first record of a schema no call
 * leaves the process.
 */
export class AvroSerde {
  private readonly writers = new Map<string, Promise<Writer>>();
  /** Writers whose registration finished, for the synchronous path. */
  private readonly readyWriters = new Map<string, Writer>();
  private readonly writerTypesById = new Map<number, Promise<avro.Type>>();
  /** Per reader type: writer schema id -> resolver (null when writer and reader are the same schema). */
  private readonly resolvers = new Map<avro.Type, Map<number, avro.Resolver | null>>();
  /** Topic -> its local (reader) type: looking it up in topics.json for every record showed in profiles. */
  private readonly readerTypes = new Map<string, avro.Type>();
  /** Seals the schemas' `pii` fields on encode, when the deployment gives a key store (libs/platform's PII module). */
  private pii?: PiiCodec;

  /** `schemaOf` maps a topic to its value schema: topics.json by default. */
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly schemaOf: (topic: string) => ValueSchema = topicValueSchema,
  ) {}

  /** `registry`: its URL (its CA from the environment, see registryConnection) or the whole connection. */
  static forRegistry(registry: string | RegistryConnection, schemaOf?: (topic: string) => ValueSchema): AvroSerde {
    return new AvroSerde(schemaRegistryClient(typeof registry === 'string' ? registryConnection(registry) : registry), schemaOf);
  }

  /**
   * The id of the local schema for `<topic>-value`. Registering is idempotent: an existing
   * identical schema returns its id; an incompatible one is refused by the registry.
   */
  writerFor(topic: string): Promise<Writer> {
    let writer = this.writers.get(topic);
    if (!writer) {
      const local = this.schemaOf(topic);
      writer = this.registry
        .register({ type: SchemaType.AVRO, schema: JSON.stringify(local.json) }, { subject: valueSubject(topic) })
        .then(({ id }) => {
          const ready = { id, type: local.type };
          this.readyWriters.set(topic, ready);
          return ready;
        });
      writer.catch(() => this.writers.delete(topic)); // a registry outage must not stick
      this.writers.set(topic, writer);
    }
    return writer;
  }

  /** From now on every encode seals the personal data of its value (see PiiCodec). */
  sealPersonalData(codec: PiiCodec): void {
    this.pii = codec;
  }

  get sealsPersonalData(): boolean {
    return this.pii !== undefined;
  }

  /**
   * The value as it may be written to the topic: its plaintext `pii` fields sealed when this
   * serde seals them, else the value itself. Synchronous unless a subject's key must be fetched.
   */
  seal(topic: string, value: unknown): unknown {
    if (!this.pii) return value;
    const schema = this.schemaOf(topic);
    try {
      return this.pii.seal(schema.name, schema.json, value);
    } catch (error) {
      throw new WireFormatError('INVALID_VALUE', (error as Error).message);
    }
  }

  /** Synchronous once the topic's schema id is known (every record after the first) and the value needs no key fetched, else a promise. */
  encode(topic: string, value: unknown): Buffer | Promise<Buffer> {
    const sealed = this.seal(topic, value);
    if (sealed instanceof Promise) return sealed.then((ready) => this.encode(topic, ready));
    const ready = this.readyWriters.get(topic);
    if (ready) return this.encodeWith(ready, sealed);
    return this.writerFor(topic).then((writer) => this.encodeWith(writer, sealed));
  }

  /** Encodes as is: no sealing (see seal), for values already sealed and for tests that write raw records. */
  encodeWith(writer: Writer, value: unknown): Buffer {
    try {
      return encodeFramed(writer.id, writer.type, value);
    } catch (error) {
      throw new WireFormatError('INVALID_VALUE', (error as Error).message);
    }
  }

  /**
   * Decodes a topic value into the shape of the local (reader) schema, resolving from
   * whatever registered schema wrote it: a v1 record reads fine on a v2 consumer.
   * Throws WireFormatError for bytes that can never decode; registry outages throw as is.
   */
  async decode<T>(topic: string, bytes: Buffer | null): Promise<T> {
    return this.decodeNow<T>(topic, bytes);
  }

  /** A decoded value with its personal data opened, for where a person reads it; fields of an erased subject are null. */
  async open<T>(topic: string, value: T): Promise<T> {
    if (!this.pii) return value;
    const schema = this.schemaOf(topic);
    return this.pii.open(schema.name, schema.json, value);
  }

  /**
   * Synchronous when the writer schema was seen before (every record after the first of a
   * schema), else a promise that fetches it. Throws WireFormatError like decode().
   */
  decodeNow<T>(topic: string, bytes: Buffer | null): T | Promise<T> {
    const writerId = schemaIdOf(bytes);
    const reader = this.readerTypeOf(topic);
    const known = this.resolvers.get(reader);
    if (known?.has(writerId)) return readBody<T>(reader, bytes as Buffer, known.get(writerId) ?? undefined, writerId);
    return this.resolverFor(reader, writerId).then((resolver) => readBody<T>(reader, bytes as Buffer, resolver ?? undefined, writerId));
  }

  private readerTypeOf(topic: string): avro.Type {
    let type = this.readerTypes.get(topic);
    if (!type) {
      type = this.schemaOf(topic).type;
      this.readerTypes.set(topic, type);
    }
    return type;
  }

  private async resolverFor(reader: avro.Type, writerId: number): Promise<avro.Resolver | null> {
    let byWriter = this.resolvers.get(reader);
    if (!byWriter) {
      byWriter = new Map();
      this.resolvers.set(reader, byWriter);
    }
    if (byWriter.has(writerId)) return byWriter.get(writerId) ?? null;
    const writer = await this.writerType(writerId);
    let resolver: avro.Resolver | null;
    try {
      // Same schema: decode directly, no resolution step.
      resolver = writer.equals(reader) ? null : reader.createResolver(writer);
    } catch (error) {
      throw new WireFormatError(
        'INCOMPATIBLE_WRITER_SCHEMA',
        `schema id ${writerId} (${writer.name}) cannot be read as ${reader.name}: ${(error as Error).message}`,
      );
    }
    byWriter.set(writerId, resolver);
    return resolver;
  }

  private writerType(id: number): Promise<avro.Type> {
    let type = this.writerTypesById.get(id);
    if (!type) {
      type = this.registry.getSchema(id).then(
        (schema) => schema as unknown as avro.Type,
        (error: { status?: number; message: string }) => {
          if (error.status === 404) throw new WireFormatError('UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the registry`);
          throw error;
        },
      );
      type.catch(() => this.writerTypesById.delete(id));
      this.writerTypesById.set(id, type);
    }
    return type;
  }
}
