import { Admin, Kafka } from 'kafkajs';

/**
 * Answers "can this service talk to the cluster right now?" for readiness checks.
 * Keeps one admin connection and re-dials it after a failure; every probe is bounded by
 * a timeout so a dead broker makes /health/ready answer 503 quickly instead of hanging.
 */
export class KafkaHealthProbe {
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs = 2000,
  ) {}

  /** Resolves with the number of brokers in the cluster, rejects when it is unreachable. */
  async brokerCount(): Promise<number> {
    try {
      const admin = await this.connectedAdmin();
      const cluster = await withTimeout(admin.describeCluster(), this.timeoutMs, 'describeCluster');
      return cluster.brokers.length;
    } catch (error) {
      await this.dropAdmin();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.dropAdmin();
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await withTimeout(admin.connect(), this.timeoutMs, 'connect');
      this.admin = admin;
    }
    return this.admin;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kafka ${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
