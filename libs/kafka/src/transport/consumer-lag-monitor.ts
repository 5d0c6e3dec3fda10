import type { Kafka, KafkaAdmin } from '../connection';
import type { Gauge } from 'prom-client';
import { fetchConsumerLag } from '../admin/consumer-lag';

/**
 * Polls the brokers for the consumer group's lag on its topics and keeps
 * `kafka_consumer_lag{group,topic,partition}` current. Read from committed offsets rather than
 * from the batches the consumer sees, so a stuck or stopped consumer still shows its lag growing.
 * Two admin requests per interval whatever the traffic; a failed poll keeps the last values.
 */
export class ConsumerLagMonitor {
  private admin: KafkaAdmin | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
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
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  private async poll(topics: string[]): Promise<void> {
    if (!this.timer) return; // stopped
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      for (const { topic, partition, lag } of await fetchConsumerLag(this.admin, this.groupId, topics)) {
        this.gauge.set({ group: this.groupId, topic, partition: String(partition) }, lag);
      }
    } catch {
      // Unknown lag is not an error of the service; readiness reports a broker outage.
    }
  }
}
