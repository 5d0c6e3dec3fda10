import type { Metadata, WatermarkOffsets } from '@confluentinc/kafka-javascript';
import { KafkaConnectionOptions, librdkafkaConfig } from '../connection';
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
 * Reads a consumer group's lag from the brokers through one consumer configured with the
 * group's id that never joins it: the partitions from its metadata, their watermarks
 * (ListOffsets) and the group's committed offsets (OffsetFetch).
 *
 * Not through an admin client, for two measured reasons. In librdkafka 2.15.1 an admin
 * client's OffsetFetch that meets NOT_COORDINATOR (a fresh or restarted broker) re-queries the
 * coordinator through a consumer-group handle an admin client does not have, and the process
 * dies with SIGSEGV (rd_kafka_cgrp_op with a null rkcg, seen in a core dump of ingest). And an
 * admin client's ListOffsets waiting on a broker that is down spins its main thread against that
 * broker's thread: 30,000 to 100,000 context switches a second in every service until the broker
 * returned (audit, whose lag covers twelve topics, the most), which starved a two-core machine
 * and slowed the broker's own restart. A consumer's watermark query fails after its timeout.
 */
export class GroupLagReader {
  private constructor(
    private readonly consumer: NativeConsumer,
    private readonly timeoutMs: number,
  ) {}

  static async open(connection: KafkaConnectionOptions, groupId: string, timeoutMs = 5000): Promise<GroupLagReader> {
    const clientId = `${connection.clientId}-lag`;
    const consumer = await connectConsumer({ ...librdkafkaConfig({ ...connection, clientId }), 'group.id': groupId, 'enable.auto.commit': false });
    return new GroupLagReader(consumer, timeoutMs);
  }

  /** The group's lag on each partition of the topics. */
  async lag(topics: string[]): Promise<PartitionLag[]> {
    const ends = await Promise.all(topics.map((topic) => this.partitionEnds(topic)));
    const committed = await this.committed(topics.flatMap((topic, i) => ends[i].map(({ partition }) => ({ topic, partition }))));
    return topics.flatMap((topic, i) => partitionLags(topic, ends[i], committed.filter((c) => c.topic === topic)));
  }

  /** The group's committed offset on each partition of the topic ("-1" where it committed none). */
  async committedOffsets(topic: string): Promise<CommittedOffset[]> {
    const partitions = await this.partitionsOf(topic);
    return this.committed(partitions.map((partition) => ({ topic, partition })));
  }

  async close(): Promise<void> {
    await disconnect(this.consumer).catch(() => undefined);
  }

  private async partitionEnds(topic: string): Promise<PartitionEnds[]> {
    const partitions = await this.partitionsOf(topic);
    return Promise.all(
      partitions.map(
        (partition) =>
          new Promise<PartitionEnds>((resolve, reject) =>
            this.consumer.queryWatermarkOffsets(topic, partition, this.timeoutMs, (error, offsets: WatermarkOffsets) =>
              error
                ? reject(asError(error))
                : resolve({ partition, high: String(offsets.highOffset), low: String(offsets.lowOffset) }),
            ),
          ),
      ),
    );
  }

  private partitionsOf(topic: string): Promise<number[]> {
    return new Promise((resolve, reject) =>
      this.consumer.getMetadata({ topic, timeout: this.timeoutMs }, (error, metadata: Metadata) => {
        const found = metadata?.topics.find((t) => t.name === topic);
        if (error) reject(asError(error));
        else if (!found || found.partitions.length === 0) reject(new Error(`topic ${topic} has no partitions in the metadata`));
        else resolve(found.partitions.map((p) => p.id).sort((a, b) => a - b));
      }),
    );
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
