import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createKafka, KafkaConnectionOptions, KafkaProducer, PRODUCER_DEFAULTS } from '@claims-mesh/kafka';
import { KAFKA_CONNECTION } from '@claims-mesh/platform';
import { PendingDelivery } from './webhook-outbox';

/** libs/contracts/topics.json: JSON values, keyed by claimId. */
export const WEBHOOK_DLQ_TOPIC = 'webhooks.dlq.v1';

/** The value of a webhooks.dlq.v1 record: the event that could not be delivered, and why. */
export interface WebhookDeadLetter {
  eventId: string;
  clientId: string;
  type: string;
  claimId: string;
  attempts: number;
  reason: string;
  enqueuedAt: string;
  failedAt: string;
  /** The event exactly as it would have been POSTed. */
  event: unknown;
}

/**
 * Writes undeliverable webhook events to webhooks.dlq.v1 (acks=all), as JSON, with the
 * reason also in the usual `dlq.*` headers. Connects on first use: most instances never do.
 */
@Injectable()
export class WebhookDeadLetters implements OnApplicationShutdown {
  private producer: Promise<KafkaProducer> | undefined;

  constructor(@Inject(KAFKA_CONNECTION) private readonly connection: KafkaConnectionOptions) {}

  async publish(delivery: PendingDelivery, reason: string, errorClass: string, now = new Date()): Promise<void> {
    const value: WebhookDeadLetter = {
      eventId: delivery.id,
      clientId: delivery.clientId,
      type: delivery.type,
      claimId: delivery.claimId,
      attempts: delivery.attempts,
      reason,
      enqueuedAt: new Date(delivery.enqueuedAt).toISOString(),
      failedAt: now.toISOString(),
      event: JSON.parse(delivery.body),
    };
    const producer = await this.connected();
    await producer.send({
      topic: WEBHOOK_DLQ_TOPIC,
      messages: [
        {
          key: delivery.claimId,
          value: JSON.stringify(value),
          headers: {
            'dlq.error.class': errorClass,
            'dlq.error.message': reason.slice(0, 2000),
            'dlq.service': 'ingest',
            'dlq.failed.at': value.failedAt,
            'webhook.event.id': delivery.id,
            'webhook.client.id': delivery.clientId,
          },
        },
      ],
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const producer = await this.producer?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  private connected(): Promise<KafkaProducer> {
    if (!this.producer) {
      const producer = createKafka(this.connection).producer({ ...PRODUCER_DEFAULTS });
      const connecting = producer.connect().then(() => producer);
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = undefined;
      });
      this.producer = connecting;
    }
    return this.producer;
  }
}
