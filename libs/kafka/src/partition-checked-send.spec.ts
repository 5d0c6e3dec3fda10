import { Kafka, ProducerBatch, RecordMetadata } from 'kafkajs';
import { BatchSender, IncompleteSendError, PartitionCheckedSender } from './partition-checked-send';

/** A Kafka whose admin reports 6 partitions for every topic (the sender's only use of it). */
const sixPartitions = {
  admin: () => ({
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({ name, partitions: Array.from({ length: 6 }, (_, i) => ({ partitionId: i })) })),
    }),
  }),
} as unknown as Kafka;

/** Answers for every partition it was sent, except those listed in `drop`. */
function brokers(drop: number[] = []): BatchSender & { batches: ProducerBatch[] } {
  const batches: ProducerBatch[] = [];
  return {
    batches,
    sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
      batches.push(batch);
      const partitions = new Set(batch.topicMessages?.flatMap((t) => t.messages.map((m) => m.partition as number)));
      return [...partitions]
        .filter((p) => !drop.includes(p))
        .map((partition) => ({ topicName: 'claims', partition, errorCode: 0 }));
    },
  };
}

const records = Array.from({ length: 50 }, (_, i) => ({ key: `claim-${i}`, value: 'v' }));

describe('PartitionCheckedSender', () => {
  it('places each record by its key, the same partition every time, and resolves when every partition answered', async () => {
    const sender = new PartitionCheckedSender(sixPartitions);
    const first = brokers();
    const second = brokers();
    await sender.send(first, [{ topic: 'claims', messages: records }]);
    await sender.send(second, [{ topic: 'claims', messages: records }]);
    const partitionsOf = (b: typeof first) => b.batches[0].topicMessages?.[0].messages.map((m) => m.partition);
    expect(partitionsOf(first)).toEqual(partitionsOf(second));
    expect(new Set(partitionsOf(first)).size).toBeGreaterThan(1);
    expect(first.batches[0].acks).toBe(-1);
  });

  it('fails, naming the partition, when the brokers answered for fewer partitions than were sent', async () => {
    const sender = new PartitionCheckedSender(sixPartitions);
    const placed = brokers();
    await sender.send(placed, [{ topic: 'claims', messages: records }]);
    const lost = placed.batches[0].topicMessages?.[0].messages[0].partition as number;

    const sending = sender.send(brokers([lost]), [{ topic: 'claims', messages: records }]);
    await expect(sending).rejects.toBeInstanceOf(IncompleteSendError);
    await expect(sending).rejects.toThrow(`claims/${lost}`);
  });
});
