import { hash } from 'node:crypto';

/**
 * A UUID (version 5 layout, SHA-1 over the parts) that is the same every time for the same
 * inputs. Derived event ids and action ids use it, so a replay after a crash produces the
 * very same id and downstream idempotency absorbs it.
 */
export function deterministicUuid(...parts: string[]): string {
  // The one-shot digest, straight to hex: a third of createHash's time for inputs this small,
  // and every record takes one.
  const hex = hash('sha1', parts.join('\u001f'), 'hex');
  // Byte 6's high nibble becomes the version (5); byte 8's top two bits the RFC 4122 variant (10).
  const variant = VARIANT_NIBBLE[parseInt(hex[16], 16) & 0x3];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const VARIANT_NIBBLE = ['8', '9', 'a', 'b'];

/**
 * Where a claim falls in [0, 1), from its id alone: the same claim lands in the same place on
 * every replay and every instance, so a draw made with it (canary or not, audit sample or not)
 * never flips. A draw other than the canary's names its own `purpose`, which is hashed with
 * the id, so the claims one draw picks are independent of those another picks.
 */
export function claimBucket(claimId: string, purpose?: string): number {
  const input = purpose === undefined ? claimId : `${purpose}\u001f${claimId}`;
  return hash('sha1', input, 'buffer').readUInt32BE(0) / 0x1_0000_0000;
}
