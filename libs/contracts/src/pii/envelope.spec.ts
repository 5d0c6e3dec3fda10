import { randomBytes } from 'node:crypto';
import { newDataKey } from './data-keys';
import { DataKey, open, parseEnvelope, seal } from './envelope';

const SUBJECT = 'subject-a'.padEnd(43, 'x');

function ivOf(envelope: string): string {
  return parseEnvelope(envelope)!.sealed.subarray(0, 12).toString('hex');
}

describe('envelope', () => {
  it('never repeats an IV under a key, across the blocks IVs are drawn in, and every envelope opens', () => {
    const key = newDataKey(SUBJECT);
    // Three blocks of 1,024 IVs and then some.
    const envelopes = Array.from({ length: 3_500 }, () => seal(key, 'jane@example.org'));
    expect(new Set(envelopes.map(ivOf)).size).toBe(envelopes.length);
    for (const envelope of envelopes.slice(1_020, 1_030)) expect(open(key, parseEnvelope(envelope)!)).toBe('jane@example.org');
  });

  it('opens with the same key bytes held in another Buffer (a key loaded again), and not with another key', () => {
    const key = newDataKey(SUBJECT);
    const envelope = parseEnvelope(seal(key, 'SN-9'))!;
    const reloaded: DataKey = { ...key, key: Buffer.from(key.key) };
    expect(open(reloaded, envelope)).toBe('SN-9');
    const other: DataKey = { ...key, key: randomBytes(32) };
    expect(() => open(other, envelope)).toThrow();
  });
});
