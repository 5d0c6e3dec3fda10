import { randomUUID } from 'node:crypto';
import { DataKey, newDataKey, SubjectKeyring, unwrapDataKey, wrapDataKey } from '@claims-mesh/contracts';
import type { KafkaPublisher } from '@claims-mesh/kafka';
import type Redis from 'ioredis';

export const SUBJECT_KEY_TOPIC = 'pii.keys.v1';

/**
 * Keys are held in memory this long, to seal and open without a Redis call per claim. Applying
 * an erasure makes every service forget the subject's key (forget) before it reports done; a
 * replica that missed it stops using the key within this time at the latest.
 */
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
  /** Keys being loaded or made: the claims of one new subject in one batch share one load. */
  private readonly loading = new Map<string, Promise<DataKey>>();
  /**
   * Counts the keys forgotten (erasures). A key whose load began before a forget is used for the
   * call that asked for it but not held, as it may be the forgotten one: erasures are rare, so
   * counting them all, rather than per subject, costs little and keeps no state per subject.
   */
  private forgets = 0;

  constructor(
    private readonly redis: Redis,
    private readonly publisher: KafkaPublisher,
    private readonly kek: Buffer,
    /** How long a key is held in memory; 0 asks Redis every time (a reader that must see an erasure at once). */
    private readonly holdMs = HOLD_MS,
  ) {}

  private static redisKey(subjectRef: string): string {
    return `pii:key:${subjectRef}`;
  }

  keyToSeal(subjectRef: string): DataKey | Promise<DataKey> {
    const held = this.held.get(subjectRef);
    if (held && held.until > Date.now()) return held.key;
    // Without sharing, each such claim would read Redis, make a key of its own and lose the SET NX
    // race to the first, then read Redis again for the winner's key.
    return this.loading.get(subjectRef) ?? this.startLoading(subjectRef);
  }

  /** Loads or makes the subject's key, as the one load its claims share until it settles. */
  private startLoading(subjectRef: string): Promise<DataKey> {
    const forgetsBefore = this.forgets;
    const load: Promise<DataKey> = this.loadOrCreate(subjectRef)
      .then((key) => {
        this.hold(key, forgetsBefore);
        return key;
      })
      .finally(() => {
        // A forget may have dropped this load, and a newer one taken its place.
        if (this.loading.get(subjectRef) === load) this.loading.delete(subjectRef);
      });
    this.loading.set(subjectRef, load);
    return load;
  }

  /** Holds a key loaded since `forgetsBefore` was read, unless a key was forgotten meanwhile. */
  private hold(key: DataKey, forgetsBefore: number): void {
    if (this.forgets !== forgetsBefore) return;
    if (this.held.size >= HOLD_MAX) this.held.clear();
    if (this.holdMs === 0) return;
    this.held.set(key.subjectRef, { key, until: Date.now() + this.holdMs });
  }

  async keyToOpen(subjectRef: string, keyId: string): Promise<DataKey | undefined> {
    const held = this.held.get(subjectRef);
    if (held && held.until > Date.now() && held.key.keyId === keyId) return held.key;
    const forgetsBefore = this.forgets;
    const wrapped = await this.redis.get(SubjectKeyStore.redisKey(subjectRef));
    if (!wrapped || !wrapped.startsWith(`${keyId}.`)) return undefined;
    const key = unwrapDataKey(this.kek, subjectRef, wrapped);
    this.hold(key, forgetsBefore);
    return key;
  }

  /** Deletes the subject's key from the store and tombstones it on the key topic. True when there was a key. */
  async erase(subjectRef: string): Promise<boolean> {
    this.forget(subjectRef);
    const deleted = await this.redis.del(SubjectKeyStore.redisKey(subjectRef));
    await this.publisher.publish(SUBJECT_KEY_TOPIC, [{ key: subjectRef, value: null }]);
    return deleted > 0;
  }

  /** Forgets a held key (an erasure seen on another replica), and any key of the subject still being loaded. */
  forget(subjectRef: string): void {
    this.forgets++;
    this.held.delete(subjectRef);
    this.loading.delete(subjectRef);
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
