import type { InboundRecord } from '@claims-mesh/kafka';

/** Where an input record sits in Kafka. */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

export function positionOf(record: InboundRecord): RecordPosition {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

/**
 * Whether a decision first made from the record at `first` is to be published again now
 * that the same input event arrives at `current`.
 *
 * - The same record again (same position, or an earlier one after offsets were moved
 *   back): the earlier output may belong to a transaction that was aborted (crash before
 *   commit), so it is published again, identical; if it did commit, consumers absorb the
 *   copy by its eventId and actionId.
 * - A later record of the same partition carrying the same event (an upstream duplicate):
 *   the earlier record was consumed first, so its decision is committed already or sits in
 *   the open transaction together with this record's offset. Publishing is skipped.
 */
export function mustPublishAgain(first: RecordPosition, current: RecordPosition): boolean {
  const laterInSamePartition =
    first.topic === current.topic &&
    first.partition === current.partition &&
    BigInt(current.offset) > BigInt(first.offset);
  return !laterInSamePartition;
}
