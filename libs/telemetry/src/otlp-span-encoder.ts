import type { AttributeValue, Attributes, HrTime, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

/**
 * Encodes finished spans as an OTLP ExportTraceServiceRequest in protobuf (opentelemetry-proto,
 * collector/trace/v1), the body Jaeger's OTLP/HTTP receiver takes at /v1/traces.
 *
 * Why not the SDK's serializer: with every claim traced, it was the largest single cost in
 * five of the six services (a fifth to a quarter of their CPU under load). It walks every span
 * twice (a size pass, then the writing pass), copies strings a character at a time and turns
 * each hex id into a new byte array. This writes in one pass into a reused buffer, lets
 * Buffer's native code write strings and hex ids, and keeps the bytes of attribute keys
 * (the same few dozen names on every span) ready to copy. The output is the same bytes: a unit
 * test encodes a variety of spans with both and compares them.
 *
 * Fields are written in field-number order; the dropped counts are written even when 0, as
 * the SDK does.
 */

// Wire types.
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

// SpanFlags (trace.proto): the W3C trace flags in the low byte, and whether the span's
// parent (or a link's target) is remote, with a bit saying that this is known.
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_CONTEXT_IS_REMOTE = 0x200;

const TWO_TO_32 = 0x1_0000_0000;
/** Attribute keys whose encoded bytes are kept; a service uses a few dozen. */
const MAX_CACHED_KEYS = 1024;

/** A growable buffer that protobuf fields are appended to. */
class ProtobufWriter {
  buffer: Buffer;
  pos = 0;

  constructor(initialSize: number) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  uint32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 127) {
      this.buffer[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buffer[this.pos++] = v;
  }

  /** An int64 varint of an integral number (two's complement for negatives: ten bytes). */
  int64(value: number): void {
    if (value >= 0 && value < TWO_TO_32) return this.uint32(value);
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = Math.floor(value / TWO_TO_32) >>> 0;
    } else {
      const magnitude = -value;
      low = ~(magnitude >>> 0) >>> 0;
      high = ~(Math.floor(magnitude / TWO_TO_32) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    this.ensure(10);
    while (high > 0 || low > 127) {
      this.buffer[this.pos++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buffer[this.pos++] = low;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /**
   * Nanoseconds since the epoch of an HrTime [seconds, nanoseconds], as fixed64. The product
   * passes 2^53, so it is built from 16-bit pieces of the seconds, each exact in a double.
   */
  hrTime([seconds, nanos]: HrTime): void {
    const low16 = (seconds & 0xffff) * 1e9; // < 2^46
    const high16 = Math.floor(seconds / 0x10000) * 1e9; // to be shifted left by 16 bits
    const lowWord = (low16 % TWO_TO_32) + (high16 % 0x10000) * 0x10000 + nanos;
    const highWord = Math.floor(low16 / TWO_TO_32) + Math.floor(high16 / 0x10000) + Math.floor(lowWord / TWO_TO_32);
    this.ensure(8);
    this.buffer.writeUInt32LE(lowWord % TWO_TO_32, this.pos);
    this.buffer.writeUInt32LE(highWord >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** Where a length-delimited value starts; its length is written by end(), before it. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of the value begun at `start`, moving the value when it needs more than a byte. */
  end(start: number): void {
    const length = this.pos - start - 1;
    if (length < 128) {
      this.buffer[start] = length;
      return;
    }
    let lengthBytes = 2;
    while (length >= 2 ** (7 * lengthBytes)) lengthBytes++;
    this.ensure(lengthBytes - 1);
    this.buffer.copy(this.buffer, start + lengthBytes, start + 1, this.pos);
    this.pos += lengthBytes - 1;
    let v = length;
    let at = start;
    while (v > 127) {
      this.buffer[at++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buffer[at] = v;
  }

  string(field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED);
    this.ensure(5 + value.length * 3);
    const start = this.begin();
    this.pos += this.buffer.write(value, this.pos, 'utf8');
    this.end(start);
  }

  /** A hex id (trace or span id: 32 or 16 digits, so its length is one byte) as its bytes. */
  hexBytes(field: number, hex: string): void {
    this.tag(field, LENGTH_DELIMITED);
    this.ensure(1 + (hex.length >>> 1));
    const lengthAt = this.pos++;
    const written = this.buffer.write(hex, this.pos, 'hex');
    this.buffer[lengthAt] = written;
    this.pos += written;
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, LENGTH_DELIMITED);
    this.uint32(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}

/** Encodes ExportTraceServiceRequests, reusing its buffer and the bytes of attribute keys between calls. */
export class OtlpSpanEncoder {
  private readonly writer = new ProtobufWriter(1 << 20);
  /** KeyValue.key (field 1) of each attribute key seen, tag and length included. */
  private readonly keyBytes = new Map<string, Buffer>();

  /** The request's bytes: a fresh copy, the encoder's buffer is reused by the next call. */
  encode(spans: readonly ReadableSpan[]): Uint8Array {
    const w = this.writer;
    w.reset();
    for (const [resource, scopes] of groupByResourceAndScope(spans)) {
      w.tag(1, LENGTH_DELIMITED); // ExportTraceServiceRequest.resource_spans
      const resourceSpans = w.begin();
      w.tag(1, LENGTH_DELIMITED); // ResourceSpans.resource
      const resourceStart = w.begin();
      if (resource.attributes) this.attributes(1, resource.attributes);
      w.tag(2, VARINT); // Resource.dropped_attributes_count
      w.uint32(0);
      w.end(resourceStart);
      for (const scopeSpans of scopes.values()) this.scopeSpans(scopeSpans);
      if (resource.schemaUrl) w.string(3, resource.schemaUrl);
      w.end(resourceSpans);
    }
    return Buffer.from(w.buffer.subarray(0, w.pos));
  }

  private scopeSpans(spans: ReadableSpan[]): void {
    const w = this.writer;
    const scope = spans[0].instrumentationScope;
    w.tag(2, LENGTH_DELIMITED); // ResourceSpans.scope_spans
    const start = w.begin();
    w.tag(1, LENGTH_DELIMITED); // ScopeSpans.scope
    const scopeStart = w.begin();
    w.string(1, scope.name);
    if (scope.version) w.string(2, scope.version);
    w.end(scopeStart);
    for (const span of spans) this.span(span);
    if (scope.schemaUrl) w.string(3, scope.schemaUrl);
    w.end(start);
  }

  private span(span: ReadableSpan): void {
    const w = this.writer;
    const context = span.spanContext();
    w.tag(2, LENGTH_DELIMITED); // ScopeSpans.spans
    const start = w.begin();
    w.hexBytes(1, context.traceId);
    w.hexBytes(2, context.spanId);
    const traceState = context.traceState?.serialize();
    if (traceState) w.string(3, traceState);
    if (span.parentSpanContext?.spanId) w.hexBytes(4, span.parentSpanContext.spanId);
    w.string(5, span.name);
    // OTLP's SpanKind counts from SPAN_KIND_UNSPECIFIED = 0, the API's from INTERNAL = 0.
    if (span.kind !== undefined && span.kind !== null) {
      w.tag(6, VARINT);
      w.uint32(span.kind + 1);
    }
    w.tag(7, FIXED64);
    w.hrTime(span.startTime);
    w.tag(8, FIXED64);
    w.hrTime(span.endTime);
    if (span.attributes) this.attributes(9, span.attributes);
    w.tag(10, VARINT);
    w.uint32(span.droppedAttributesCount);
    for (const event of span.events) this.event(event);
    w.tag(12, VARINT);
    w.uint32(span.droppedEventsCount);
    for (const link of span.links) this.link(link);
    w.tag(14, VARINT);
    w.uint32(span.droppedLinksCount);
    this.status(span.status);
    w.tag(16, FIXED32);
    w.fixed32(spanFlags(context, span.parentSpanContext?.isRemote));
    w.end(start);
  }

  private event(event: TimedEvent): void {
    const w = this.writer;
    w.tag(11, LENGTH_DELIMITED); // Span.events
    const start = w.begin();
    w.tag(1, FIXED64);
    w.hrTime(event.time);
    w.string(2, event.name);
    if (event.attributes) this.attributes(3, event.attributes);
    w.tag(4, VARINT);
    w.uint32(event.droppedAttributesCount ?? 0);
    w.end(start);
  }

  private link(link: Link): void {
    const w = this.writer;
    w.tag(13, LENGTH_DELIMITED); // Span.links
    const start = w.begin();
    w.hexBytes(1, link.context.traceId);
    w.hexBytes(2, link.context.spanId);
    const traceState = link.context.traceState?.serialize();
    if (traceState) w.string(3, traceState);
    if (link.attributes) this.attributes(4, link.attributes);
    w.tag(5, VARINT);
    w.uint32(link.droppedAttributesCount ?? 0);
    w.tag(6, FIXED32);
    w.fixed32(spanFlags(link.context, link.context.isRemote));
    w.end(start);
  }

  private status(status: SpanStatus): void {
    const w = this.writer;
    w.tag(15, LENGTH_DELIMITED); // Span.status
    const start = w.begin();
    if (status.message) w.string(2, status.message);
    w.tag(3, VARINT);
    w.uint32(status.code);
    w.end(start);
  }

  /** Each attribute as a KeyValue in the repeated `field`. */
  private attributes(field: number, attributes: Attributes): void {
    const w = this.writer;
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      w.tag(field, LENGTH_DELIMITED);
      const start = w.begin();
      this.key(key);
      w.tag(2, LENGTH_DELIMITED); // KeyValue.value
      const valueStart = w.begin();
      this.anyValue(attributes[key]);
      w.end(valueStart);
      w.end(start);
    }
  }

  /** KeyValue.key: copied from the cache, or written and then kept while the cache has room. */
  private key(key: string): void {
    const w = this.writer;
    const cached = this.keyBytes.get(key);
    if (cached) return w.raw(cached);
    const start = w.pos;
    w.string(1, key);
    if (this.keyBytes.size < MAX_CACHED_KEYS) this.keyBytes.set(key, Buffer.from(w.buffer.subarray(start, w.pos)));
  }

  /** An AnyValue's content; an attribute value of an unsupported type is written empty. */
  private anyValue(value: AttributeValue | Uint8Array | Record<string, unknown> | null | undefined): void {
    const w = this.writer;
    if (typeof value === 'string') {
      w.string(1, value);
    } else if (typeof value === 'boolean') {
      w.tag(2, VARINT);
      w.uint32(value ? 1 : 0);
    } else if (typeof value === 'number') {
      if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
        w.tag(3, VARINT);
        w.int64(value);
      } else {
        w.tag(4, FIXED64);
        w.double(value);
      }
    } else if (value instanceof Uint8Array) {
      w.bytes(7, value);
    } else if (Array.isArray(value)) {
      w.tag(5, LENGTH_DELIMITED); // ArrayValue
      const start = w.begin();
      for (const item of value) {
        w.tag(1, LENGTH_DELIMITED);
        const itemStart = w.begin();
        this.anyValue(item);
        w.end(itemStart);
      }
      w.end(start);
    } else if (typeof value === 'object' && value !== null) {
      w.tag(6, LENGTH_DELIMITED); // KeyValueList
      const start = w.begin();
      this.attributes(1, value as Attributes);
      w.end(start);
    }
  }
}

function spanFlags(context: SpanContext, isRemote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE | (isRemote ? SPAN_FLAGS_CONTEXT_IS_REMOTE : 0);
}

/** Spans by resource, then by instrumentation scope, each in the order first seen. */
function groupByResourceAndScope(
  spans: readonly ReadableSpan[],
): Map<ReadableSpan['resource'], Map<ReadableSpan['instrumentationScope'], ReadableSpan[]>> {
  const resources = new Map<ReadableSpan['resource'], Map<ReadableSpan['instrumentationScope'], ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (!scopes) resources.set(span.resource, (scopes = new Map()));
    let scoped = scopes.get(span.instrumentationScope);
    if (!scoped) scopes.set(span.instrumentationScope, (scoped = []));
    scoped.push(span);
  }
  return resources;
}
