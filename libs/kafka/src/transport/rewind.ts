import type { TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import { committedOffsets, NativeConsumer, seek } from './native-clients';

/** librdkafka's logical offset for a partition's first record (auto.offset.reset=earliest). */
const OFFSET_BEGINNING = -2;

/**
 * Moves every assigned partition back to the group's committed offset, so records handled since
 * (whose effects were just aborted) are read and handled again. The consumer's own positions run
 * ahead of what is committed; without this the aborted records would be skipped. A partition with
 * nothing committed yet goes back to its beginning, as auto.offset.reset=earliest would place it.
 * Rejects if the committed offsets cannot be read: the caller then ends its session, which reads
 * from the committed offsets anyway.
 */
export async function rewindToCommitted(consumer: NativeConsumer, timeoutMs: number): Promise<TopicPartitionOffset[]> {
  const assigned = consumer.assignments();
  if (assigned.length === 0) return [];
  const committed = await committedOffsets(
    consumer,
    assigned.map(({ topic, partition }) => ({ topic, partition })),
    timeoutMs,
  );
  const positions = committed.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset >= 0 ? offset : OFFSET_BEGINNING }));
  // A seek also drops the records of the partition already fetched into librdkafka's queue. One at a
  // time: each holds a libuv worker thread, which consume() and the commits need too.
  for (const position of positions) await seek(consumer, position, timeoutMs);
  return positions;
}
