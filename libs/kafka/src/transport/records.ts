import type { IHeaders } from 'kafkajs';

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

export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}
