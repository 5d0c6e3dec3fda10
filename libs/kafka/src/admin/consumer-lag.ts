import type { KafkaAdmin } from '../connection';

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

/** The lag of a consumer group on each partition of the given topics, from the brokers' offsets. */
export async function fetchConsumerLag(admin: KafkaAdmin, groupId: string, topics: string[]): Promise<PartitionLag[]> {
  const [ends, committed] = await Promise.all([
    Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic))),
    admin.fetchOffsets({ groupId, topics }),
  ]);
  return topics.flatMap((topic, i) => partitionLags(topic, ends[i], committed.find((c) => c.topic === topic)?.partitions ?? []));
}
