import { Kafka, Message, PartitionMetadata, Partitioners, ProducerBatch, RecordMetadata, TopicMessages } from 'kafkajs';
import { partitionOfKey } from './key-partition';
import { chunkBySize } from './produce-chunks';

/** A producer or a transaction: both send batches and answer with what each partition wrote. */
export interface BatchSender {
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

/** Some partitions of a send were never acknowledged; nothing says they were written. Retriable. */
export class IncompleteSendError extends Error {
  override readonly name = 'IncompleteSendError';

  constructor(readonly missing: string[]) {
    super(`the brokers acknowledged no write for ${missing.join(', ')}; sending again`);
  }
}

/**
 * Sends records with acks=all and fails unless every partition they go to was acknowledged.
 *
 * kafkajs 2.2.4 can resolve a send in which some partitions were never written: when a
 * leader dies mid-request, a retry sends only to brokers that have not answered yet, so
 * partitions whose new leader already answered for others are skipped (kafkajs issue #1303;
 * seen here as claims answered 202 and missing from claims.submitted.v1 after one of three
 * brokers was SIGKILLed). So the partition of every record is chosen here, as kafkajs' (and
 * the Java client's) default partitioner chooses it, and the answer is checked against them. Callers treat the error
 * like any failed send: a transaction aborts, a publish is refused and retried.
 */
export class PartitionCheckedSender {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitions = new Map<string, Promise<PartitionMetadata[]>>();

  constructor(private readonly kafka: Kafka) {}

  async send(sender: BatchSender, topicMessages: TopicMessages[]): Promise<void> {
    const placed = await Promise.all(topicMessages.map((t) => this.place(t)));
    for (const chunk of chunkBySize(placed)) {
      const written = await sender.sendBatch({ topicMessages: chunk, acks: -1 });
      const acknowledged = new Set(written.filter((r) => r.errorCode === 0).map((r) => `${r.topicName}/${r.partition}`));
      const expected = new Set(chunk.flatMap(({ topic, messages }) => messages.map((m) => `${topic}/${m.partition}`)));
      const missing = [...expected].filter((p) => !acknowledged.has(p));
      if (missing.length > 0) throw new IncompleteSendError(missing);
    }
  }

  /** Gives every record the partition kafkajs would have chosen (murmur2 of the key; round robin without one). */
  private async place({ topic, messages }: TopicMessages): Promise<TopicMessages> {
    const partitionMetadata = await this.partitionsOf(topic);
    const place = (message: Message): Message => {
      if (message.partition !== undefined && message.partition !== null) return message;
      const partition =
        message.key === undefined || message.key === null
          ? this.partitioner({ topic, partitionMetadata, message })
          : partitionOfKey(message.key, partitionMetadata.length);
      return { ...message, partition };
    };
    return { topic, messages: messages.map(place) };
  }

  /**
   * What the partitioner needs of a topic (only how many partitions it has), read once per
   * topic: the mesh's topics never change their partition count while it runs.
   */
  private partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    let partitions = this.partitions.get(topic);
    if (!partitions) {
      partitions = this.fetchPartitionCount(topic).then((count) =>
        Array.from({ length: count }, (_, partitionId) => ({
          partitionId,
          leader: partitionId,
          replicas: [],
          isr: [],
          partitionErrorCode: 0,
        })),
      );
      partitions.catch(() => this.partitions.delete(topic));
      this.partitions.set(topic, partitions);
    }
    return partitions;
  }

  private async fetchPartitionCount(topic: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`topic ${topic} has no partitions (does it exist?)`);
      return count;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
