import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { DataKey } from './envelope';
import { keyObjectOf } from './secret-keys';

/**
 * Subjects' data keys and how they are kept: each a random AES-256 key, stored only wrapped by
 * the key-encryption key (KEK, AES-256-GCM, bound to its subject and key id), which comes from
 * a file or the environment and never from the repository.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function newDataKey(subjectRef: string): DataKey {
  return { subjectRef, keyId: randomBytes(8).toString('base64url'), key: randomBytes(32) };
}

function binding(subjectRef: string, keyId: string): Buffer {
  return Buffer.from(`data-key.${subjectRef}.${keyId}`);
}

/** `<keyId>.<base64url(iv ‖ wrapped key ‖ tag)>`: what the key store and the key topic hold. */
export function wrapDataKey(kek: Buffer, key: DataKey): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(kek), iv);
  cipher.setAAD(binding(key.subjectRef, key.keyId));
  const body = Buffer.concat([iv, cipher.update(key.key), cipher.final(), cipher.getAuthTag()]);
  return `${key.keyId}.${body.toString('base64url')}`;
}

export function unwrapDataKey(kek: Buffer, subjectRef: string, wrapped: string): DataKey {
  const [keyId, body] = wrapped.split('.');
  const bytes = Buffer.from(body ?? '', 'base64url');
  if (!keyId || bytes.length !== IV_BYTES + 32 + TAG_BYTES) throw new Error(`malformed wrapped data key of subject ${subjectRef}`);
  const decipher = createDecipheriv('aes-256-gcm', keyObjectOf(kek), bytes.subarray(0, IV_BYTES));
  decipher.setAAD(binding(subjectRef, keyId));
  decipher.setAuthTag(bytes.subarray(IV_BYTES + 32));
  return { subjectRef, keyId, key: Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, IV_BYTES + 32)), decipher.final()]) };
}

/**
 * The subject's keyed pseudonym: HMAC-SHA256 of the customer id under a secret of the
 * deployment, base64url. Unlike a plain hash it cannot be recomputed from a customer id by
 * anyone without the secret. The feature store, audit's index and the envelopes use it.
 */
export function subjectRefOf(secret: Buffer, customerId: string): string {
  return createHmac('sha256', keyObjectOf(secret)).update(customerId, 'utf8').digest('base64url');
}

/** A 32-byte secret given as base64 (44 characters) or hex (64): the KEK and the pseudonym secret. */
export function parseSecret(name: string, text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) throw new Error(`${name} must be 32 bytes, as base64 or hex (got ${bytes.length} bytes)`);
  return bytes;
}
