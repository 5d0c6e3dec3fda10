import type { KafkaAdmin } from '@claims-mesh/kafka';
import { stack } from '@claims-mesh/testing';
import { keyOf, TopicFollower } from '../shared/topic-follower';

export interface HopSample {
  /** The input record's CreateTime, epoch millis. */
  sentAt: number;
  /** Reader's clock when the output arrived minus the input record's CreateTime. */
  seenMs: number;
  /** Output record's CreateTime (stamped by the relay's producer) minus the input's. */
  stampedMs: number;
}

/**
 * Reads a relay's output topic from its current end (read_committed, so transactional outputs
 * count only once committed; the backlog drained earlier is neither read nor raced with) and
 * turns every record whose key was sent by the rate producer into a sample.
 */
export class OutputReader {
  readonly samples: HopSample[] = [];

  private constructor(private follower: TopicFollower | undefined) {}

  static async start(admin: KafkaAdmin, topic: string, sentAt: Map<string, number>): Promise<OutputReader> {
    const reader = new OutputReader(undefined);
    reader.follower = await TopicFollower.start(
      admin,
      { clientId: 'bench-output-reader', brokers: stack.kafkaBrokers },
      [topic],
      'end',
      (messages) => {
        const now = Date.now();
        for (const message of messages) {
          const sent = sentAt.get(keyOf(message));
          if (sent !== undefined) {
            reader.samples.push({ sentAt: sent, seenMs: now - sent, stampedMs: (message.timestamp ?? NaN) - sent });
          }
        }
      },
    );
    return reader;
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
  }
}
