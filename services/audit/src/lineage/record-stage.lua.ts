/**
 * Adds one consumed record to its claim's lineage, atomically.
 *
 * KEYS: 1 lineage hash, 2 pii hash, 3 erased subjects hash, 4 decided claims (sorted set),
 *       5.. decided claims of each action (sorted sets, in ActionSymbols order)
 * ARGV: 1 claimId, 2 subject hash ('' when the record does not name the customer),
 *       3 stage field, 4 stage JSON (masked), 5 stage PII JSON or '',
 *       6 claim JSON (masked) or '', 7 claim PII JSON or '',
 *       8 final decision JSON or '', 9 its action's position among KEYS 5.., 10 its decidedAt,
 *       11 its actionId
 * Returns { stage recorded (1) or already there (0), first final decision of the claim (1 or 0) }.
 *
 * Idempotency: every value is written with HSETNX under a field named by the event (stage
 * + eventId), so a replay changes nothing. The final decision is the one with the latest
 * decidedAt (ties: highest actionId), whatever order the records arrive in.
 *
 * Erasure: when the claim's customer was erased, personal values are not stored, any that
 * arrived before the customer was known are deleted, and the erasure becomes a stage.
 */
export const RECORD_STAGE_LUA = `
local lineage, pii, erased_subjects, decided_all = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local claim_id, subject, stage_field = ARGV[1], ARGV[2], ARGV[3]

if subject ~= '' then
  redis.call('HSETNX', lineage, 'subject', subject)
else
  subject = redis.call('HGET', lineage, 'subject') or ''
end

local stage_recorded = redis.call('HSETNX', lineage, stage_field, ARGV[4])
if ARGV[6] ~= '' then
  redis.call('HSETNX', lineage, 'claim', ARGV[6])
end

local erasure = subject ~= '' and redis.call('HGET', erased_subjects, subject)
if erasure then
  redis.call('DEL', pii)
  redis.call('HSETNX', lineage, 'stage:erasure', erasure)
else
  if ARGV[5] ~= '' then
    redis.call('HSETNX', pii, stage_field, ARGV[5])
  end
  if ARGV[7] ~= '' then
    redis.call('HSETNX', pii, 'claim', ARGV[7])
  end
end

local first_final = 0
if ARGV[8] ~= '' then
  local decided_at = tonumber(ARGV[10])
  local current = redis.call('HGET', lineage, 'final')
  local supersedes = true
  if current then
    local known = cjson.decode(current)
    supersedes = decided_at > known.decidedAt or (decided_at == known.decidedAt and ARGV[11] > known.actionId)
  else
    first_final = 1
  end
  if supersedes then
    for i = 5, #KEYS do
      redis.call('ZREM', KEYS[i], claim_id)
    end
    redis.call('HSET', lineage, 'final', ARGV[8])
    redis.call('ZADD', KEYS[4 + tonumber(ARGV[9])], ARGV[10], claim_id)
    redis.call('ZADD', decided_all, ARGV[10], claim_id)
  end
end

return { stage_recorded, first_final }
`;
