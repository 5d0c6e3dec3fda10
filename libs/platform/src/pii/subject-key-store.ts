import { randomUUID } from 'node:crypto';
import { DataKey, newDataKey, SubjectKeyring, unwrapDataKey, wrapDataKey } from '@claims-mesh/contracts';
import type { KafkaPublisher } from '@claims-mesh/kafka';
import type Redis from 'ioredis';

export const SUBJECT_KEY_TOPIC = 'pii.keys.v1';

/** Held keys are reused this long for sealing; opening always asks the store, so an erasure takes effect at once. */
const HOLD_MS = 60_000;
const HOLD_MAX = 100_000;

/**
 * The subjects' data keys: Redis holds each wrapped key under `pii:key:<subjectRef>` (created
 * with SET NX, so replicas racing on a new subject agree on one key), and every key made is
 * also written to the compacted topic pii.keys.v1, the log mirrors and backups of the cluster
 * carry with the data. Erasing a subject deletes the Redis key and writes the topic's
 * tombstone: every envelope sealed under the key, wherever it was copied, is unreadable.
 */
export class SubjectKeyStore implements SubjectKeyring {
  private readonly held = new Map<string, { key: DataKey; until: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly publisher: KafkaPublisher,
    private readonly kek: Buffer,
  ) {}

  private static redisKey(subjectRef: string): string {
    return `pii:key:${subjectRef}`;
  }

  keyToSeal(subjectRef: string): DataKey | Promise<DataKey> {
    const held = this.held.get(subjectRef);
    if (held && held.until > Date.now()) return held.key;
    return this.loadOrCreate(subjectRef).then((key) => {
      if (this.held.size >= HOLD_MAX) this.held.clear();
      this.held.set(subjectRef, { key, until: Date.now() + HOLD_MS });
      return key;
    });
  }

  async keyToOpen(subjectRef: string, keyId: string): Promise<DataKey | undefined> {
    const wrapped = await this.redis.get(SubjectKeyStore.redisKey(subjectRef));
    if (!wrapped || !wrapped.startsWith(`${keyId}.`)) return undefined;
    return unwrapDataKey(this.kek, subjectRef, wrapped);
  }

  /** Deletes the subject's key from the store and tombstones it on the key topic. True when there was a key. */
  async erase(subjectRef: string): Promise<boolean> {
    this.held.delete(subjectRef);
    const deleted = await this.redis.del(SubjectKeyStore.redisKey(subjectRef));
    await this.publisher.publish(SUBJECT_KEY_TOPIC, [{ key: subjectRef, value: null }]);
    return deleted > 0;
  }

  /** Forgets a held key (an erasure seen on another replica). */
  forget(subjectRef: string): void {
    this.held.delete(subjectRef);
  }

  private async loadOrCreate(subjectRef: string): Promise<DataKey> {
    const redisKey = SubjectKeyStore.redisKey(subjectRef);
    const existing = await this.redis.get(redisKey);
    if (existing) return unwrapDataKey(this.kek, subjectRef, existing);
    const made = newDataKey(subjectRef);
    const wrapped = wrapDataKey(this.kek, made);
    if ((await this.redis.set(redisKey, wrapped, 'NX')) !== 'OK') {
      const winner = await this.redis.get(redisKey);
      if (!winner) throw new Error(`data key of subject ${subjectRef} vanished while being made (erased meanwhile?)`);
      return unwrapDataKey(this.kek, subjectRef, winner);
    }
    await this.publisher.publish(SUBJECT_KEY_TOPIC, [
      { key: subjectRef, value: { eventId: randomUUID(), subjectRef, keyId: made.keyId, wrappedKey: wrapped.slice(made.keyId.length + 1), createdAt: Date.now() } },
    ]);
    return made;
  }
}
