import { createKafka, KafkaAdmin, KafkaConnectionOptions, librdkafkaConfig } from '../connection';
import { asError, connectConsumer, disconnect, NativeConsumer } from '../transport/native-clients';

export interface PartitionEnds {
  partition: number;
  /** Offset the next produced record gets (the high watermark). */
  high: string;
  /** Oldest offset still in the log. */
  low: string;
}

export interface CommittedOffset {
  partition: number;
  /** "-1" while the group has committed nothing on the partition. */
  offset: string;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/**
 * Records the group still has to consume, per partition: the high watermark minus the
 * committed offset. A partition the group never committed counts from the oldest record
 * still in the log, which is where a group that starts from the beginning would start.
 */
export function partitionLags(topic: string, ends: PartitionEnds[], committed: CommittedOffset[]): PartitionLag[] {
  const committedBy = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  return ends.map((end) => {
    const at = committedBy.get(end.partition) ?? -1;
    const from = at >= 0 ? at : Number(end.low);
    return { topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) };
  });
}

/**
 * Reads a consumer group's lag from the brokers: the topics' high watermarks through an admin
 * client, the group's committed offsets through a consumer configured with the group's id
 * that never joins it. Not the admin's fetchOffsets: in librdkafka 2.15.1 an admin client's
 * OffsetFetch that meets NOT_COORDINATOR (a fresh or restarted broker) re-queries the
 * coordinator through a consumer-group handle an admin client does not have, and the process
 * dies with SIGSEGV (rd_kafka_cgrp_op with a null rkcg, seen in a core dump of ingest).
 */
export class GroupLagReader {
  private constructor(
    private readonly admin: KafkaAdmin,
    private readonly consumer: NativeConsumer,
    private readonly timeoutMs: number,
  ) {}

  static async open(connection: KafkaConnectionOptions, groupId: string, timeoutMs = 5000): Promise<GroupLagReader> {
    const clientId = `${connection.clientId}-lag`;
    const admin = createKafka({ ...connection, clientId }).admin();
    await admin.connect();
    try {
      const consumer = await connectConsumer({ ...librdkafkaConfig({ ...connection, clientId }), 'group.id': groupId, 'enable.auto.commit': false });
      return new GroupLagReader(admin, consumer, timeoutMs);
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** The group's lag on each partition of the topics. */
  async lag(topics: string[]): Promise<PartitionLag[]> {
    const ends = await Promise.all(topics.map((topic) => this.admin.fetchTopicOffsets(topic)));
    const committed = await this.committed(topics.flatMap((topic, i) => ends[i].map(({ partition }) => ({ topic, partition }))));
    return topics.flatMap((topic, i) => partitionLags(topic, ends[i], committed.filter((c) => c.topic === topic)));
  }

  /** The group's committed offset on each partition of the topic ("-1" where it committed none). */
  async committedOffsets(topic: string): Promise<CommittedOffset[]> {
    const ends = await this.admin.fetchTopicOffsets(topic);
    return this.committed(ends.map(({ partition }) => ({ topic, partition })));
  }

  async close(): Promise<void> {
    await Promise.all([disconnect(this.consumer).catch(() => undefined), this.admin.disconnect().catch(() => undefined)]);
  }

  private committed(partitions: { topic: string; partition: number }[]): Promise<(CommittedOffset & { topic: string })[]> {
    return new Promise((resolve, reject) =>
      this.consumer.committed(partitions, this.timeoutMs, (error, offsets) =>
        error
          ? reject(asError(error))
          : resolve(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset >= 0 ? offset : -1) }))),
      ),
    );
  }
}
