import { LuaScript } from './lua-script';

/*
 * Every change of a task's state is one of these scripts, so it is atomic: two reviewers
 * claiming at once, or one completing twice, see each other's effect and never both win.
 * Replies are arrays of strings: a result word, then its details.
 */

/**
 * KEYS: task hash, to-do index, due index. ARGV: to-do member, due member, open-task TTL in
 * seconds, then the hash's field/value pairs. A task that exists already (redelivered decision)
 * is left as it is. The indexes get the new task's TTL: they outlive every task they hold, and
 * go once none is left to expire (a listing skips members whose task expired before).
 */
export const CREATE_TASK = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return 'created'
`);

/**
 * KEYS: task hash. ARGV: reviewer, now, lease millis. A lease is granted when nobody holds a
 * live one; the holder claiming again renews it.
 */
export const CLAIM_TASK = new LuaScript(`
local t = redis.call('HMGET', KEYS[1], 'state', 'leaseHolder', 'leaseExpiresAt')
if not t[1] then return {'not_found'} end
if t[1] == 'completed' then return {'already_completed'} end
local now = tonumber(ARGV[2])
if t[2] and t[2] ~= ARGV[1] and tonumber(t[3]) > now then return {'claimed_by_other', t[2], t[3]} end
local expiresAt = tostring(now + tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'leaseHolder', ARGV[1], 'leaseExpiresAt', expiresAt)
return {'claimed', ARGV[1], expiresAt}
`);

/**
 * KEYS: task hash, to-do index, due index, completed index, outbox. ARGV: reviewer, now,
 * outcome, note, event JSON, completed-index member, completed-task TTL in seconds. Only the
 * holder of a live lease may complete, and only once; the verdict enters the outbox until Kafka
 * acknowledges it. From now on the task, the completed index and the outbox expire the
 * completed-task TTL after this completion.
 */
export const COMPLETE_TASK = new LuaScript(`
local t = redis.call('HMGET', KEYS[1], 'state', 'leaseHolder', 'leaseExpiresAt', 'queueMember', 'dueMember', 'taskId')
if not t[1] then return {'not_found'} end
if t[1] == 'completed' then return {'already_completed'} end
local now = tonumber(ARGV[2])
local holder = t[2]
local expiresAt = tonumber(t[3] or '0')
if holder and holder ~= ARGV[1] and expiresAt > now then return {'claimed_by_other', holder, t[3]} end
if holder ~= ARGV[1] then return {'not_claimed'} end
if expiresAt <= now then return {'lease_expired', t[3]} end
redis.call('HSET', KEYS[1], 'state', 'completed', 'outcome', ARGV[3], 'note', ARGV[4], 'reviewerId', ARGV[1],
  'completedAt', ARGV[2], 'event', ARGV[5], 'published', '0')
redis.call('HDEL', KEYS[1], 'leaseHolder', 'leaseExpiresAt')
redis.call('ZREM', KEYS[2], t[4])
redis.call('ZREM', KEYS[3], t[5])
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[4], 0, ARGV[6])
redis.call('SADD', KEYS[5], t[6])
redis.call('EXPIRE', KEYS[4], ARGV[7])
redis.call('EXPIRE', KEYS[5], ARGV[7])
return {'completed'}
`);

/**
 * KEYS: task hash. ARGV: the redacted decision JSON, the redacted note, the task's event JSON as
 * the caller read it ('' for none) and that event redacted. Replaces the task's personal data,
 * unless the task changed since the caller read it (a verdict came meanwhile): then 'stale', and
 * the caller reads it again.
 */
export const REDACT_TASK = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
if (redis.call('HGET', KEYS[1], 'event') or '') ~= ARGV[3] then return 'stale' end
redis.call('HSET', KEYS[1], 'decision', ARGV[1])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'note', ARGV[2], 'event', ARGV[4]) end
return 'redacted'
`);
