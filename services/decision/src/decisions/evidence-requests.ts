import { Inject, Injectable } from '@nestjs/common';
import type { ClaimDecided } from '@claims-mesh/contracts';
import { REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { DecisionConfig } from '../config';

const DAY_SECONDS = 86_400;

/** A claim's evidence request as kept in Redis, beside the REQUEST_INFO decision in the ledger. */
export interface EvidenceRequest {
  /** actionId of the REQUEST_INFO decision (its ledger key). */
  actionId: string;
  deadline: number;
  /** open: waiting; answered: evidence `by` came; lapsed: its deadline closed the claim. */
  state: 'open' | 'answered' | 'lapsed';
  by?: string;
}

export type EvidenceAnswer =
  | { accepted: true; actionId: string }
  | { accepted: false; reason: 'none' | 'answered' | 'lapsed' };

// Opens a request unless this very decision's request is known (a redelivered REQUEST_INFO
// must not reopen a request its evidence already answered). KEYS: request, deadlines;
// ARGV: request JSON, actionId, deadline, claimId, ttl seconds. The deadlines index takes the
// newest request's TTL, so it outlives every request it names.
const OPEN_LUA = `
local stored = redis.call('GET', KEYS[1])
if stored and cjson.decode(stored).actionId == ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1
`;

// Answers an open request with evidence ARGV[1] (the same evidence again answers the same);
// KEYS: request, deadlines; ARGV: evidence eventId, claimId.
const ANSWER_LUA = `
local stored = redis.call('GET', KEYS[1])
if not stored then return { 'none' } end
local request = cjson.decode(stored)
if request.state == 'open' then
  request.state = 'answered'
  request.by = ARGV[1]
  redis.call('SET', KEYS[1], cjson.encode(request), 'KEEPTTL')
  redis.call('ZREM', KEYS[2], ARGV[2])
  return { 'ok', request.actionId }
end
if request.state == 'answered' and request.by == ARGV[1] then return { 'ok', request.actionId } end
return { request.state }
`;

// Lapses a request whose deadline passed, if still open (or already lapsed: its final decision
// is published again). KEYS: request, deadlines; ARGV: now, claimId. Returns the actionId or nil.
const LAPSE_LUA = `
local stored = redis.call('GET', KEYS[1])
if not stored then redis.call('ZREM', KEYS[2], ARGV[2]) return false end
local request = cjson.decode(stored)
if request.state == 'answered' then redis.call('ZREM', KEYS[2], ARGV[2]) return false end
if request.deadline > tonumber(ARGV[1]) then return false end
if request.state == 'open' then
  request.state = 'lapsed'
  redis.call('SET', KEYS[1], cjson.encode(request), 'KEEPTTL')
end
return request.actionId
`;

/**
 * The open evidence requests, one per claim (the latest REQUEST_INFO's), and a sorted set of
 * their deadlines for the sweep. Each change of state is one script run, so evidence and the
 * deadline cannot both win: the first to run does.
 */
@Injectable()
export class EvidenceRequests {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: DecisionConfig,
  ) {}

  /** Opens the request of each REQUEST_INFO decision that waits for evidence. */
  async open(decisions: readonly ClaimDecided[]): Promise<void> {
    const waiting = decisions.filter((d) => !d.final && d.evidenceDeadline !== null && d.evidenceDeadline !== undefined);
    if (waiting.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const decision of waiting) {
      const deadline = decision.evidenceDeadline as number;
      const request: EvidenceRequest = { actionId: decision.actionId, deadline, state: 'open' };
      const ttl = Math.ceil(Math.max(0, deadline - Date.now()) / 1000) + this.config.IDEMPOTENCY_TTL_DAYS * DAY_SECONDS;
      pipeline.eval(OPEN_LUA, 2, this.requestKey(decision.claimId), this.deadlinesKey(), JSON.stringify(request), decision.actionId, deadline, decision.claimId, ttl);
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw new Error(`evidence requests: ${error.message}`);
  }

  /** Takes evidence as the answer to the claim's open request, if it has one. */
  async answer(claimId: string, evidenceEventId: string): Promise<EvidenceAnswer> {
    const reply = (await this.redis.eval(ANSWER_LUA, 2, this.requestKey(claimId), this.deadlinesKey(), evidenceEventId, claimId)) as string[];
    if (reply[0] === 'ok') return { accepted: true, actionId: reply[1] };
    return { accepted: false, reason: reply[0] as 'none' | 'answered' | 'lapsed' };
  }

  /** Claims whose deadline passed by `now`, at most `limit`. */
  due(now: number, limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(this.deadlinesKey(), 0, now, 'LIMIT', 0, limit);
  }

  /** Lapses the claim's request if its deadline passed and no evidence came: the REQUEST_INFO's actionId, or null. */
  async lapse(claimId: string, now: number): Promise<string | null> {
    const reply = await this.redis.eval(LAPSE_LUA, 2, this.requestKey(claimId), this.deadlinesKey(), now, claimId);
    return typeof reply === 'string' ? reply : null;
  }

  /** The lapsed request's final decision is published: the sweep is done with it. */
  async closed(claimId: string): Promise<void> {
    await this.redis.zrem(this.deadlinesKey(), claimId);
  }

  private requestKey(claimId: string): string {
    return `${this.config.REDIS_KEY_PREFIX}:evidence-request:${claimId}`;
  }

  private deadlinesKey(): string {
    return `${this.config.REDIS_KEY_PREFIX}:evidence-deadlines`;
  }
}
