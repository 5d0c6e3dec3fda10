import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyObjectOf } from './secret-keys';

/**
 * A field the schemas mark `pii`, as written to Kafka: a string in the field's own Avro type,
 * so no schema changes and evolution stays BACKWARD:
 *
 *   pii1.<subjectRef>.<keyId>.<base64url(iv ‖ ciphertext ‖ tag)>
 *
 * AES-256-GCM under the data key `keyId` of the subject `subjectRef` (its keyed pseudonym),
 * with the subject and key id as additional data, so an envelope moved to another subject or
 * key fails authentication. The subject travels in clear: services that only need to group by
 * customer (feature's history, audit's index) read it without decrypting anything.
 */
const PREFIX = 'pii1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SHAPE = /^pii1\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{11})\.([A-Za-z0-9_-]{38,})$/;

export interface DataKey {
  subjectRef: string;
  keyId: string;
  key: Buffer;
}

export interface EnvelopeParts {
  subjectRef: string;
  keyId: string;
  sealed: Buffer;
}

export function isEnvelope(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${PREFIX}.`) && SHAPE.test(value);
}

export function parseEnvelope(value: string): EnvelopeParts | undefined {
  const match = SHAPE.exec(value);
  return match ? { subjectRef: match[1], keyId: match[2], sealed: Buffer.from(match[3], 'base64url') } : undefined;
}

function additionalData(subjectRef: string, keyId: string): Buffer {
  return Buffer.from(`${PREFIX}.${subjectRef}.${keyId}`);
}

/**
 * Random IVs drawn from the CSPRNG in blocks rather than one call per field (10 of a claim's
 * sealing µs were randomBytes' per-call overhead). Each IV is used once: the block only moves on.
 */
const IV_BLOCK_BYTES = IV_BYTES * 1024;
let ivBlock = Buffer.alloc(0);
let ivOffset = 0;

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivBlock.length) {
    ivBlock = randomBytes(IV_BLOCK_BYTES);
    ivOffset = 0;
  }
  const iv = ivBlock.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

export function seal(key: DataKey, plaintext: string): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(key.key), iv);
  cipher.setAAD(additionalData(key.subjectRef, key.keyId));
  const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}.${key.subjectRef}.${key.keyId}.${body.toString('base64url')}`;
}

/** The plaintext, or throws when the envelope was not sealed with this key (tampered, or the wrong key). */
export function open(key: DataKey, envelope: EnvelopeParts): string {
  const { sealed } = envelope;
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('envelope too short');
  const decipher = createDecipheriv('aes-256-gcm', keyObjectOf(key.key), sealed.subarray(0, IV_BYTES));
  decipher.setAAD(additionalData(envelope.subjectRef, envelope.keyId));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
