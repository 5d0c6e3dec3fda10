import { Inject, Injectable } from '@nestjs/common';
import { execTracedPipeline, REDIS } from '@claims-mesh/platform';
import Redis, { ChainableCommander } from 'ioredis';
import { IngestConfig } from '../config';
import { WebhookEvent } from './webhook-events';

/**
 * Adds an event once: the `seen` marker (kept WEBHOOK_DEDUP_TTL) absorbs the same event
 * enqueued again (a record redelivered, replayed, or handled by two instances).
 */
const ENQUEUE = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('HSET', KEYS[2], 'client', ARGV[4], 'claimId', ARGV[5], 'type', ARGV[6], 'body', ARGV[7], 'attempts', 0, 'enqueuedAt', ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
  return 1
end
return 0
`;

/**
 * Takes up to ARGV[3] events due by ARGV[1] and leases them until ARGV[2]: another sender (a
 * second ingest instance) skips them meanwhile, and an event whose sender died is due again then.
 */
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id) end
return ids
`;

type OutboxCommands = {
  ingestWebhookEnqueue(seen: string, event: string, due: string, ...args: (string | number)[]): unknown;
  ingestWebhookClaim(due: string, ...args: (string | number)[]): Promise<string[]>;
};

/** An event waiting in the outbox for its sender. */
export interface PendingDelivery {
  id: string;
  clientId: string;
  claimId: string;
  type: string;
  /** The exact JSON that is signed and sent, the same on every attempt. */
  body: string;
  /** Attempts made so far. */
  attempts: number;
  enqueuedAt: number;
  lastError?: string;
}

/**
 * The webhook outbox in Redis, under `<INGEST_KEY_PREFIX>:webhooks:`: `due` (a sorted set of
 * event ids by the time of their next attempt), `event:<id>` (a hash: client, claim, type, body,
 * attempts) and `seen:<id>` (the de-duplication marker). The consumer only enqueues here, in the
 * same round trips as the status view; the delivery loop takes what is due.
 */
@Injectable()
export class WebhookOutbox {
  private readonly commands: OutboxCommands;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: IngestConfig,
  ) {
    if (!('ingestWebhookEnqueue' in redis)) {
      redis.defineCommand('ingestWebhookEnqueue', { numberOfKeys: 3, lua: ENQUEUE });
      redis.defineCommand('ingestWebhookClaim', { numberOfKeys: 1, lua: CLAIM });
    }
    this.commands = redis as unknown as OutboxCommands;
  }

  /** Enqueues each event for its client; how many were new (the others were enqueued before). */
  async enqueue(events: { clientId: string; event: WebhookEvent }[], now = Date.now()): Promise<number> {
    if (events.length === 0) return 0;
    const replies = await execTracedPipeline(this.redis.pipeline(), 'ingestWebhookEnqueue', (pipeline) => {
      for (const { clientId, event } of events) {
        (pipeline as unknown as OutboxCommands).ingestWebhookEnqueue(
          this.key(`seen:${event.id}`),
          this.key(`event:${event.id}`),
          this.key('due'),
          this.config.WEBHOOK_DEDUP_TTL_SECONDS,
          event.id,
          now,
          clientId,
          event.claimId,
          event.type,
          JSON.stringify(event),
        );
      }
    });
    let added = 0;
    for (const [error, reply] of replies) {
      if (error) throw error;
      added += Number(reply);
    }
    return added;
  }

  /** Leases up to `max` due events until `leaseUntil` and reads them. */
  async claimDue(max: number, leaseUntil: number, now = Date.now()): Promise<PendingDelivery[]> {
    const ids = await this.commands.ingestWebhookClaim(this.key('due'), now, leaseUntil, max);
    if (ids.length === 0) return [];
    const replies = await this.run('HGETALL', (pipeline) => ids.forEach((id) => pipeline.hgetall(this.key(`event:${id}`))));
    const found: PendingDelivery[] = [];
    const vanished: string[] = [];
    ids.forEach((id, i) => {
      const hash = replies[i][1] as Record<string, string>;
      if (!hash.body) vanished.push(id);
      else {
        found.push({
          id,
          clientId: hash.client,
          claimId: hash.claimId,
          type: hash.type,
          body: hash.body,
          attempts: Number(hash.attempts),
          enqueuedAt: Number(hash.enqueuedAt),
          lastError: hash.lastError,
        });
      }
    });
    if (vanished.length) await this.redis.zrem(this.key('due'), ...vanished);
    return found;
  }

  /** Delivered or dead-lettered: gone from the outbox (the `seen` marker stays). */
  async remove(id: string): Promise<void> {
    await this.run('remove', (pipeline) => pipeline.zrem(this.key('due'), id).del(this.key(`event:${id}`)));
  }

  /** A failed attempt: counted, its reason kept, the next attempt at `dueAt`. */
  async retryAt(id: string, attempts: number, reason: string, dueAt: number): Promise<void> {
    await this.run('retry', (pipeline) =>
      pipeline.hset(this.key(`event:${id}`), 'attempts', attempts, 'lastError', reason).zadd(this.key('due'), 'XX', dueAt, id),
    );
  }

  /** Not attempted now (its client has as many deliveries in flight as allowed): due again at `dueAt`. */
  async postpone(ids: string[], dueAt: number): Promise<void> {
    if (ids.length === 0) return;
    await this.run('postpone', (pipeline) => ids.forEach((id) => pipeline.zadd(this.key('due'), 'XX', dueAt, id)));
  }

  async size(): Promise<number> {
    return this.redis.zcard(this.key('due'));
  }

  private key(suffix: string): string {
    return `${this.config.INGEST_KEY_PREFIX}:webhooks:${suffix}`;
  }

  private async run(operation: string, queue: (pipeline: ChainableCommander) => void) {
    const replies = await execTracedPipeline(this.redis.pipeline(), operation, queue);
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    return replies;
  }
}
