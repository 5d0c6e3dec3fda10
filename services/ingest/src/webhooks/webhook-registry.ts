import { Injectable, Logger } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { IngestConfig } from '../config';
import { loadWebhooks, WebhookClient, WebhookSettings } from './webhook-config';

/**
 * The clients with a callback (WEBHOOKS_FILE, read once at start) and the webhook metrics.
 * An entry whose host is off the allow-list is refused here, logged and counted; the claims
 * of its client are then counted as `refused`, never sent.
 */
@Injectable()
export class WebhookRegistry {
  private readonly logger = new Logger('Webhooks');
  private readonly settings: WebhookSettings;
  private readonly refusedClients: Set<string>;
  readonly events: Counter<'outcome'>;
  readonly refusals: Counter<'reason' | 'stage'>;

  constructor(config: IngestConfig, registry: Registry) {
    this.events = new Counter({
      name: 'ingest_webhook_events_total',
      help: 'Webhook events by outcome: enqueued, duplicate, stale, refused, delivered, retried, dead_lettered.',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.refusals = new Counter({
      name: 'ingest_webhook_refused_total',
      help: 'Callbacks refused: at config load (stage=config) or before a send (stage=send), by reason.',
      labelNames: ['reason', 'stage'],
      registers: [registry],
    });
    this.settings = loadWebhooks(config.WEBHOOKS_FILE);
    this.refusedClients = new Set(this.settings.refused.map((r) => r.clientId));
    for (const { clientId, reason } of this.settings.refused) {
      this.refusals.inc({ reason: reason.startsWith('callback host') ? 'host_not_allowed' : 'invalid_url', stage: 'config' });
      this.logger.error(`webhook of client ${clientId} refused: ${reason}; its claims' events will not be sent`);
    }
    if (this.settings.clients.size > 0) {
      // Hosts only: the URL's path or query may hold a token, and the secrets are never logged.
      const hosts = [...this.settings.clients.values()].map((c) => `${c.clientId} -> ${c.url.host}`);
      this.logger.log(`webhooks registered: ${hosts.join(', ')} (allowed hosts: ${this.settings.allowedHosts.describe()})`);
    }
  }

  client(clientId: string): WebhookClient | undefined {
    return this.settings.clients.get(clientId);
  }

  isRefused(clientId: string): boolean {
    return this.refusedClients.has(clientId);
  }

  get hasClients(): boolean {
    return this.settings.clients.size > 0 || this.refusedClients.size > 0;
  }

  /** The send-time check: the URL must still be on the allow-list. */
  allows(url: URL): boolean {
    return this.settings.allowedHosts.allows(url);
  }
}
