import { AvroSerde, WireFormatError } from '@claims-mesh/contracts';
import { RefusedRecord } from '@claims-mesh/kafka';

/** Erasure requests, one per subject (key = subjectRef). */
export const ERASURE_REQUEST_TOPIC = 'subjects.erasure.v1';
/** Each store's completion of an erasure (key = erasureStatusKey). */
export const ERASURE_STATUS_TOPIC = 'subjects.erasure-status.v1';

/** The status topic's key: subjectRefs are base64url, so the colon cannot occur in one. */
export function erasureStatusKey(subjectRef: string, store: string): string {
  return `${subjectRef}:${store}`;
}

/**
 * A record of one of the erasure topics, or RefusedRecord when it can never be used (bytes that
 * are not one, or a key other than its key field); a registry outage is thrown as is, to be retried.
 */
export async function readErasureRecord<T>(serde: AvroSerde, topic: string, bytes: Buffer, key: string, keyOf: (value: T) => string): Promise<T> {
  let value: T;
  try {
    value = await serde.decode<T>(topic, bytes);
  } catch (error) {
    if (error instanceof WireFormatError) throw new RefusedRecord(error.message);
    throw error;
  }
  if (keyOf(value) !== key) throw new RefusedRecord(`key "${key}" is not the record's own "${keyOf(value)}"`);
  return value;
}
