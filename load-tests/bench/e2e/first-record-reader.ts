import type { KafkaAdmin } from '@claims-mesh/kafka';
import { stack } from '@claims-mesh/testing';
import { TopicFollower } from '../shared/topic-follower';

/**
 * Reads a pipeline's last topic (read_committed, from its current end) and keeps, per key
 * (the claim id), the CreateTime of the first record: when the claim's first decision was
 * written. A claim sent to review is decided again later; the first decision is what counts.
 * Values are not decoded: the key and the timestamp are all the benchmark needs.
 */
export class FirstRecordReader {
  readonly firstAt = new Map<string, number>();
  private follower: TopicFollower | undefined;

  /** `onFirst` sees each key's first record too (e.g. to decode a sample of them). */
  constructor(
    private readonly clientId: string,
    private readonly topic: string,
    private readonly onFirst?: (key: string, value: Buffer | null, timestamp: number) => void,
  ) {}

  async start(admin: KafkaAdmin): Promise<void> {
    this.follower = await TopicFollower.start(
      admin,
      { clientId: this.clientId, brokers: stack.kafkaBrokers },
      [this.topic],
      'end',
      (messages) => {
        for (const message of messages) {
          const key = message.key?.toString();
          if (!key || this.firstAt.has(key)) continue;
          const timestamp = message.timestamp ?? Date.now();
          this.firstAt.set(key, timestamp);
          this.onFirst?.(key, message.value, timestamp);
        }
      },
    );
  }

  /** Resolves when every key has its record, or at the deadline; how many are still missing. */
  async waitFor(keys: Iterable<string>, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let missing = [...keys];
    for (;;) {
      missing = missing.filter((key) => !this.firstAt.has(key));
      if (missing.length === 0 || Date.now() >= deadline) return missing.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
  }
}
