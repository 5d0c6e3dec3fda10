import { randomUUID } from 'node:crypto';
import { EachMessagePayload, Kafka, logLevel } from 'kafkajs';

/** A kafkajs client that keeps retrying through a broker restart instead of giving up after five tries. */
export function patientKafka(brokers: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 50, initialRetryTime: 300, maxRetryTime: 5000 },
  });
}

/**
 * Reads topics from the beginning as a consumer application would (read_committed: records of
 * aborted transactions are never seen) until nothing new arrives for `idleMs`. Run it once the
 * mesh has settled: it is the consumer-visible content of the topics.
 */
export async function scanTopics(
  kafka: Kafka,
  topics: string[],
  onMessage: (payload: EachMessagePayload) => void,
  idleMs = 5000,
): Promise<number> {
  const consumer = kafka.consumer({ groupId: `chaos-scan-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 500 });
  let count = 0;
  let last = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async (payload) => {
        count++;
        last = Date.now();
        onMessage(payload);
      },
    });
    while (Date.now() - last < idleMs) await new Promise((resolve) => setTimeout(resolve, 250));
  } finally {
    await consumer.disconnect();
  }
  return count;
}

/**
 * Follows a topic while the run goes on and counts the distinct keys (claim ids) seen, to pace
 * the sender and time the faults. Survives broker restarts: a crashed consumer is started again
 * in a new group (from the beginning; a Set makes the count idempotent).
 */
export class KeyCounter {
  private readonly keys = new Set<string>();
  private stopped = false;
  private consumer: ReturnType<Kafka['consumer']> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  get count(): number {
    return this.keys.size;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `chaos-watch-${randomUUID()}`,
      readUncommitted: false,
      maxWaitTimeInMs: 500,
      // kafkajs keeps talking to the group coordinator it found when it joined: when that is the
      // killed broker, the consumer counts nothing until the broker is back (seen: 8 claims counted
      // in 25 s while the mesh decided thousands, which also held the sender back). So it gives up
      // after a few seconds and starts over in a new group; kafkajs's own restart would join the
      // same group and wait out its dead predecessor's session (30 s).
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 1000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, () => {
      if (!this.stopped) setTimeout(() => void this.restart(), 1000);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key) this.keys.add(message.key.toString());
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async restart(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    if (!this.stopped) await this.start().catch(() => setTimeout(() => void this.restart(), 1000));
  }
}
