import type { MessageHeader } from '@confluentinc/kafka-javascript';

/** A consumed record, decoded into the reader schema of its topic. */
export interface InboundRecord<T = unknown> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  headers: Record<string, string>;
  /** Broker timestamp of the record, epoch millis. */
  timestamp: number;
}

/** A record a handler wants produced; the transport encodes it with the topic's schema. */
export interface OutboundRecord<T = unknown> {
  topic: string;
  key: string;
  value: T;
  headers?: Record<string, string>;
  /** For batch handlers: the input this output answers, so its trace context is carried on. */
  causedBy?: InboundRecord;
}

/** What a batch handler returns: outputs to produce, and inputs it refuses (to the DLQ). */
export interface BatchResult {
  outputs: OutboundRecord[];
  rejected?: { record: InboundRecord; error: Error }[];
}

/**
 * Thrown by a handler for an input that can never be processed (fails validation, breaks a
 * business invariant). The record goes to `<topic>.dlq` and the partition moves on; any
 * other error is treated as transient and retried.
 */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
}

/** A record to produce, encoded: what the producers and the dead-letter queue send. */
export interface OutgoingMessage {
  topic: string;
  key: string | Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer>;
}

/** A consumed record's headers by name (librdkafka hands them out as a list of one-entry objects). */
export function headersOf(headers: MessageHeader[] | undefined): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = {};
  if (headers) for (const header of headers) for (const name in header) out[name] = header[name];
  return out;
}

export function headersToStrings(headers: Record<string, Buffer | string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name] = headers[name].toString();
  return out;
}

/** The list form librdkafka's produce() takes. */
export function headerList(headers: Record<string, string | Buffer>): MessageHeader[] {
  const list: MessageHeader[] = [];
  for (const name in headers) list.push({ [name]: headers[name] });
  return list;
}
