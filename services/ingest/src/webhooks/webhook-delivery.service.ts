import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { backoffDelay } from '@claims-mesh/kafka';
import { Histogram, Registry } from 'prom-client';
import { IngestConfig } from '../config';
import { WebhookDeadLetters } from './webhook-dlq.publisher';
import { PendingDelivery, WebhookOutbox } from './webhook-outbox';
import { WebhookRegistry } from './webhook-registry';
import { sendOnce } from './webhook-sender';

/** Beyond one attempt's timeout, how long a leased event stays with its sender before it is due again. */
const LEASE_MARGIN_MS = 10_000;

/**
 * The delivery loop: takes due events from the outbox and POSTs them, at most
 * WEBHOOK_CONCURRENCY at once and WEBHOOK_CLIENT_CONCURRENCY per client, each attempt bounded
 * by WEBHOOK_TIMEOUT_MS. A failed attempt is due again after a capped exponential backoff;
 * after WEBHOOK_MAX_ATTEMPTS the event goes to webhooks.dlq.v1 with the last reason. It runs
 * beside the Kafka consumer and shares nothing with it but Redis, so a slow or dead receiver
 * holds up only its own events.
 */
@Injectable()
export class WebhookDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly inFlight = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly seconds: Histogram<'outcome'>;
  private total = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private ticking = false;
  private again = false;

  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly registry: WebhookRegistry,
    private readonly deadLetters: WebhookDeadLetters,
    private readonly config: IngestConfig,
    metrics: Registry,
  ) {
    this.seconds = new Histogram({
      name: 'ingest_webhook_attempt_seconds',
      help: 'Duration of webhook delivery attempts, by outcome (delivered or failed).',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics],
    });
  }

  onApplicationBootstrap(): void {
    // Without a registered client nothing is ever enqueued; events left from an earlier
    // configuration are still drained (to the DLQ, their client being gone).
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    // Attempts in flight end within their timeout; one cut short is leased and is sent again later.
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => setTimeout(resolve, 2000))]);
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  /** Starts what is due and free slots allow; comes back soon when it was busy, else after the poll interval. */
  private async tick(): Promise<void> {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    let started = 0;
    try {
      const free = this.config.WEBHOOK_CONCURRENCY - this.total;
      if (free > 0) started = await this.startDue(free);
    } catch (error) {
      this.logger.warn(`webhook outbox unavailable: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
    const soon = started > 0 || this.again;
    this.again = false;
    this.schedule(soon ? 10 : this.config.WEBHOOK_POLL_INTERVAL_MS);
  }

  private async startDue(free: number): Promise<number> {
    const now = Date.now();
    const due = await this.outbox.claimDue(free, now + this.config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS, now);
    const later: string[] = [];
    let started = 0;
    for (const delivery of due) {
      const busy = this.inFlight.get(delivery.clientId) ?? 0;
      if (busy >= this.config.WEBHOOK_CLIENT_CONCURRENCY) {
        later.push(delivery.id);
        continue;
      }
      this.inFlight.set(delivery.clientId, busy + 1);
      this.total++;
      started++;
      const run = this.deliver(delivery)
        .catch((error: Error) => this.logger.warn(`webhook ${delivery.id}: ${error.message}; it is attempted again once its lease ends`))
        .finally(() => {
          this.total--;
          this.inFlight.set(delivery.clientId, (this.inFlight.get(delivery.clientId) ?? 1) - 1);
          this.running.delete(run);
          this.schedule(0);
        });
      this.running.add(run);
    }
    await this.outbox.postpone(later, now + this.config.WEBHOOK_POLL_INTERVAL_MS);
    return started;
  }

  private async deliver(delivery: PendingDelivery): Promise<void> {
    const client = this.registry.client(delivery.clientId);
    if (!client) {
      this.registry.refusals.inc({ reason: 'client_not_registered', stage: 'send' });
      return this.deadLetter(delivery, `client ${delivery.clientId} has no registered callback`, 'WebhookRefused');
    }
    if (!this.registry.allows(client.url)) {
      this.registry.refusals.inc({ reason: 'host_not_allowed', stage: 'send' });
      this.logger.error(`webhook ${delivery.id} of client ${delivery.clientId} refused: host ${client.url.hostname} is not on the allow-list`);
      return this.deadLetter(delivery, `callback host ${client.url.hostname} is not on the allow-list`, 'WebhookRefused');
    }
    if (delivery.attempts >= this.config.WEBHOOK_MAX_ATTEMPTS) {
      // Its attempts were spent before (the dead letter could not be written then).
      return this.deadLetter(delivery, delivery.lastError ?? 'attempts exhausted', 'WebhookDeliveryFailed');
    }
    const timer = this.seconds.startTimer();
    const result = await sendOnce(client, delivery, this.config.WEBHOOK_TIMEOUT_MS);
    timer({ outcome: result.ok ? 'delivered' : 'failed' });
    if (result.ok) {
      this.registry.events.inc({ outcome: 'delivered' });
      await this.outbox.remove(delivery.id);
      return;
    }
    const attempts = delivery.attempts + 1;
    if (attempts >= this.config.WEBHOOK_MAX_ATTEMPTS) {
      return this.deadLetter({ ...delivery, attempts }, `${result.reason} (attempt ${attempts} of ${attempts})`, 'WebhookDeliveryFailed');
    }
    const delayMs = backoffDelay(attempts - 1, {
      initialMs: this.config.WEBHOOK_BACKOFF_INITIAL_MS,
      maxMs: this.config.WEBHOOK_BACKOFF_MAX_MS,
      multiplier: 2,
    });
    this.registry.events.inc({ outcome: 'retried' });
    this.logger.debug(`webhook ${delivery.id} attempt ${attempts} failed (${result.reason}); next in ${delayMs} ms`);
    await this.outbox.retryAt(delivery.id, attempts, result.reason, Date.now() + delayMs);
  }

  private async deadLetter(delivery: PendingDelivery, reason: string, errorClass: string): Promise<void> {
    try {
      await this.deadLetters.publish(delivery, reason, errorClass);
    } catch (error) {
      // Kept in the outbox with its attempts spent: the dead letter is written on a later turn.
      this.logger.warn(`webhook ${delivery.id}: dead letter not written (${(error as Error).message}); trying again later`);
      await this.outbox.retryAt(delivery.id, Math.max(delivery.attempts, this.config.WEBHOOK_MAX_ATTEMPTS), reason, Date.now() + this.config.WEBHOOK_BACKOFF_MAX_MS);
      return;
    }
    this.registry.events.inc({ outcome: 'dead_lettered' });
    this.logger.warn(`webhook ${delivery.id} (${delivery.type}, claim ${delivery.claimId}) of client ${delivery.clientId} dead-lettered: ${reason}`);
    await this.outbox.remove(delivery.id);
  }
}
