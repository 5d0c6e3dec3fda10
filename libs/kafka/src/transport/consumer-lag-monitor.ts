import type { Gauge } from 'prom-client';
import { GroupLagReader } from '../admin/consumer-lag';
import type { KafkaConnectionOptions } from '../connection';

/**
 * Polls the brokers for the consumer group's lag on its topics and keeps
 * `kafka_consumer_lag{group,topic,partition}` current. Read from committed offsets rather than
 * from the batches the consumer sees, so a stuck or stopped consumer still shows its lag growing.
 * A few requests per interval whatever the traffic; a failed poll keeps the last values.
 */
export class ConsumerLagMonitor {
  private reader: Promise<GroupLagReader> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: KafkaConnectionOptions,
    private readonly groupId: string,
    private readonly gauge: Gauge<'group' | 'topic' | 'partition'>,
    private readonly intervalMs: number,
  ) {}

  start(topics: string[]): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.poll(topics), this.intervalMs);
    this.timer.unref();
    void this.poll(topics);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const reader = this.reader;
    this.reader = undefined;
    await (await reader?.catch(() => undefined))?.close();
  }

  private async poll(topics: string[]): Promise<void> {
    if (!this.timer) return; // stopped
    try {
      this.reader ??= GroupLagReader.open(this.connection, this.groupId);
      const reader = await this.reader.catch((error: unknown) => {
        this.reader = undefined;
        throw error;
      });
      for (const { topic, partition, lag } of await reader.lag(topics)) {
        this.gauge.set({ group: this.groupId, topic, partition: String(partition) }, lag);
      }
    } catch {
      // Unknown lag is not an error of the service; readiness reports a broker outage.
    }
  }
}
