import { Injectable, Logger } from '@nestjs/common';
import { AvroSerde, ClaimDecided, ClaimScored, ClaimSubmitted, ReviewCompleted, Topic, WireFormatError } from '@claims-mesh/contracts';
import { InboundRecord } from '@claims-mesh/kafka';
import { Counter, Registry } from 'prom-client';
import { IngestConfig } from '../config';
import { decisionEvent, reviewEvent, WebhookEvent } from '../webhooks/webhook-events';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { WebhookRegistry } from '../webhooks/webhook-registry';
import { StatusStore } from './status.store';
import { decisionUpdate, reviewUpdate, scoredUpdate, StatusUpdate, submittedUpdate } from './status-view';

export const STATUS_TOPICS = ['claims.submitted.v1', 'claims.scored.v1', 'claims.decided.v1', 'reviews.completed.v1'] as const satisfies readonly Topic[];

/** A record in hand: its view update and, for decisions and reviews, the event a client may be told of. */
interface Handled {
  update: StatusUpdate;
  notify?: (featureSetVersion: string | null) => WebhookEvent;
  at: number;
  /** Place of the record's topic in the flow. */
  rank: number;
}

/**
 * Keeps the claim status view and feeds the webhook outbox from the mesh's topics (consumed by
 * StatusConsumer in a group of its own), a poll's records of all four in one call: one Redis round trip for the view, one more for the outbox
 * when a registered client's claim was decided or reviewed. It never calls a client itself.
 *
 * An observer: a record it cannot decode is counted and skipped, not dead-lettered (the
 * services that consume the topic for real do that).
 */
@Injectable()
export class ClaimEventsHandler {
  private readonly logger = new Logger(ClaimEventsHandler.name);
  private readonly skipped: Counter<'topic'>;

  constructor(
    private readonly serde: AvroSerde,
    private readonly status: StatusStore,
    private readonly outbox: WebhookOutbox,
    private readonly webhooks: WebhookRegistry,
    private readonly config: IngestConfig,
    registry: Registry,
  ) {
    this.skipped = new Counter({
      name: 'ingest_status_records_skipped_total',
      help: 'Records of the status topics that could not be decoded, skipped.',
      labelNames: ['topic'],
      registers: [registry],
    });
  }

  async onClaimEvents(records: InboundRecord<Buffer | null>[]): Promise<{ outputs: [] }> {
    const handled: Handled[] = [];
    for (const record of records) {
      const one = await this.handle(record).catch((error: Error) => {
        // A registry outage is not the record's fault: thrown, so the transport retries the poll.
        if (!(error instanceof WireFormatError)) throw error;
        this.skipped.inc({ topic: record.topic });
        this.logger.warn(`skipped ${record.topic}/${record.partition}@${record.offset}: ${error.name}`);
        return undefined;
      });
      if (one) handled.push(one);
    }
    // In the order of the flow (a poll may hold a claim's decision before its score): a decision's
    // event then finds the feature set of the score that came with it.
    handled.sort((a, b) => a.rank - b.rank);
    const merged = await this.status.merge(handled.map((h) => h.update));
    if (this.webhooks.hasClients) await this.enqueue(handled, merged.map((m) => ({ owner: m.owner, featureSetVersion: m.featureSetVersion ?? null })));
    return { outputs: [] };
  }

  private async handle(record: InboundRecord<Buffer | null>): Promise<Handled | undefined> {
    if (!record.value) return undefined;
    const decoded = this.serde.decodeNow(record.topic, record.value);
    const value = decoded instanceof Promise ? await decoded : decoded;
    const rank = STATUS_TOPICS.indexOf(record.topic as (typeof STATUS_TOPICS)[number]);
    switch (record.topic as (typeof STATUS_TOPICS)[number]) {
      case 'claims.submitted.v1':
        return { update: submittedUpdate(value as ClaimSubmitted, record.timestamp), at: record.timestamp, rank };
      case 'claims.scored.v1':
        return { update: scoredUpdate(value as ClaimScored, record.timestamp), at: record.timestamp, rank };
      case 'claims.decided.v1': {
        const decided = value as ClaimDecided;
        return {
          update: decisionUpdate(decided, record.timestamp),
          notify: (featureSetVersion) => decisionEvent(decided, featureSetVersion, record.timestamp),
          at: decided.timestamps.decidedAt ?? record.timestamp,
          rank,
        };
      }
      case 'reviews.completed.v1': {
        const review = value as ReviewCompleted;
        return { update: reviewUpdate(review), notify: () => reviewEvent(review), at: review.completedAt, rank };
      }
      default:
        return undefined;
    }
  }

  /** The events of registered clients' claims, unless stale; the owner is the view's (a review names none). */
  private async enqueue(handled: Handled[], merged: { owner: string | undefined; featureSetVersion: string | null }[]): Promise<void> {
    const oldest = Date.now() - this.config.WEBHOOK_MAX_EVENT_AGE_SECONDS * 1000;
    const events: { clientId: string; event: WebhookEvent }[] = [];
    handled.forEach(({ notify, at }, i) => {
      const { owner, featureSetVersion } = merged[i];
      if (!notify || !owner) return;
      if (this.webhooks.isRefused(owner)) {
        this.webhooks.events.inc({ outcome: 'refused' });
        return;
      }
      if (!this.webhooks.client(owner)) return;
      if (at < oldest) {
        this.webhooks.events.inc({ outcome: 'stale' });
        return;
      }
      events.push({ clientId: owner, event: notify(featureSetVersion) });
    });
    if (events.length === 0) return;
    const added = await this.outbox.enqueue(events);
    this.webhooks.events.inc({ outcome: 'enqueued' }, added);
    this.webhooks.events.inc({ outcome: 'duplicate' }, events.length - added);
  }
}
