/**
 * Adds a batch of consumed records to their claims' lineages, atomically, in one script run
 * (a script run per record cost audit more than the rest of its work per record).
 *
 * KEYS: 1 erased subjects hash, 2 decided claims (sorted set),
 *       3 .. 2+A decided claims of each action (sorted sets, in ActionSymbols order; A = ARGV[1]),
 *       then per record, KEYS_PER_RECORD of them: lineage hash, pii hash, the subject's claims
 *       set (untouched when the record does not name the customer)
 * ARGV: 1 A, 2 retention in seconds (every key written expires that long after its last write;
 *       the shared indexes and the erased subjects outlive every claim they name), then per record, ARGS_PER_RECORD of them: claimId, subject hash or '', stage field,
 *       stage JSON (masked), stage PII JSON or '', claim JSON (masked) or '', claim PII JSON or '',
 *       final decision JSON or '', its action's position among the per-action sets, its
 *       decidedAt, its actionId
 * Returns, per record: stage recorded (1) or already there (0), then first final decision of
 * the claim (1 or 0).
 *
 * Idempotency: every value is written with HSETNX under a field named by the event (stage
 * + eventId), so a replay changes nothing. The final decision is the one with the latest
 * decidedAt (ties: highest actionId), whatever order the records arrive in.
 *
 * Erasure: the claim joins its subject's set before anything else of it is written, so an
 * erasure that runs after this script finds it. When the claim's customer was erased,
 * personal values are not stored, any that arrived before the customer was known are
 * deleted, and the erasure becomes a stage.
 */
const KEYS_PER_RECORD = 3;
const ARGS_PER_RECORD = 11;

export const RECORD_STAGES_LUA = `
local erased_subjects, decided_all = KEYS[1], KEYS[2]
local actions = tonumber(ARGV[1])
local ttl = ARGV[2]
local replies = {}
redis.call('EXPIRE', erased_subjects, ttl)

local function record(lineage, pii, subject_claims, a)
  local claim_id, subject, stage_field = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  if subject ~= '' then
    redis.call('SADD', subject_claims, claim_id)
    redis.call('EXPIRE', subject_claims, ttl)
    redis.call('HSETNX', lineage, 'subject', subject)
  else
    subject = redis.call('HGET', lineage, 'subject') or ''
  end

  local stage_recorded = redis.call('HSETNX', lineage, stage_field, ARGV[a + 3])
  if ARGV[a + 5] ~= '' then
    redis.call('HSETNX', lineage, 'claim', ARGV[a + 5])
  end

  local erasure = subject ~= '' and redis.call('HGET', erased_subjects, subject)
  if erasure then
    redis.call('DEL', pii)
    redis.call('HSETNX', lineage, 'stage:erasure', erasure)
  else
    if ARGV[a + 4] ~= '' then
      redis.call('HSETNX', pii, stage_field, ARGV[a + 4])
    end
    if ARGV[a + 6] ~= '' then
      redis.call('HSETNX', pii, 'claim', ARGV[a + 6])
    end
  end

  local first_final = 0
  if ARGV[a + 7] ~= '' then
    local decided_at = tonumber(ARGV[a + 9])
    local current = redis.call('HGET', lineage, 'final')
    local supersedes = true
    if current then
      local known = cjson.decode(current)
      supersedes = decided_at > known.decidedAt or (decided_at == known.decidedAt and ARGV[a + 10] > known.actionId)
    else
      first_final = 1
    end
    if supersedes then
      for i = 3, 2 + actions do
        redis.call('ZREM', KEYS[i], claim_id)
      end
      redis.call('HSET', lineage, 'final', ARGV[a + 7])
      redis.call('ZADD', KEYS[2 + tonumber(ARGV[a + 8])], ARGV[a + 9], claim_id)
      redis.call('ZADD', decided_all, ARGV[a + 9], claim_id)
      redis.call('EXPIRE', KEYS[2 + tonumber(ARGV[a + 8])], ttl)
      redis.call('EXPIRE', decided_all, ttl)
    end
  end
  redis.call('EXPIRE', lineage, ttl)
  redis.call('EXPIRE', pii, ttl)
  replies[#replies + 1] = stage_recorded
  replies[#replies + 1] = first_final
end

local records = (#KEYS - 2 - actions) / ${KEYS_PER_RECORD}
for i = 0, records - 1 do
  local k = 3 + actions + i * ${KEYS_PER_RECORD}
  record(KEYS[k], KEYS[k + 1], KEYS[k + 2], 3 + i * ${ARGS_PER_RECORD})
end
return replies
`;
