/**
 * Computes the stored features of a run of claims and records each in the feature store, one
 * claim after the other, in one script run: Redis executes it atomically, so a customer's
 * claims see each other in the order given. (The features that need only the claim itself are
 * computed by the client: see claimOnlyFeatures.)
 *
 * Its cost is Redis's CPU, which the feature hop shares with everything else on the machine,
 * so each claim costs few commands: a script call per run of claims (a call has a fixed cost
 * on both sides), and at most one read and one write of each key, whole values packed with
 * MessagePack (cmsgpack, built into Redis's Lua) instead of sorted-set and hash commands.
 * Measured on Redis alone (20,000 skewed claims in runs of 64): 21-22 µs of script time per
 * claim, against 44-49 µs for the earlier layout (sorted set of claims, count keys, hash of
 * product statistics, features as JSON), which ran 11 commands and 6 writes per claim where
 * this runs 7 and 4. A run's claims name a handful of products, so each product's moments are
 * read once per run and written once at its end, which leaves 5 commands and 3 writes per
 * claim: 16-19 µs of script time per claim against 19-21 µs (50,000 of the feature-hop bench's
 * varied claims in runs of 64, measured five and six times).
 * The serial mark is now read with GET and refreshed with PEXPIRE (it must keep the first
 * claimant's id, see Revisions below): one command more per claim naming a known serial.
 *
 * ARGV 1-4, for every claim: 1 z-score min samples, 2 computed-features TTL ms, 3 history
 * TTL ms, 4 most claims kept per customer.
 * Then per claim i (from 0), four keys and four arguments:
 *   KEYS[4i+1] the event's computed features, [4i+2] the customer's history, [4i+3] the
 *   serial number's "seen" mark, [4i+4] the product's amount moments;
 *   ARGV[4+4i+1] submittedAt (epoch ms), [4+4i+2] amountMinor, [4+4i+3] claimId, [4+4i+4]
 *   revision (0 for a claim as first filed).
 * Returns per claim, flattened in claim order: the computed features as
 *   "count1h,count24h,count30d,amount1h,amount24h,amount30d,zScore,isFirstClaim,serialSeenBefore"
 * (flags 0 or 1), and 1 when they were computed before (a replay), else 0.
 *
 * Values:
 *   customer history: msgpack array {claims ever, at1, amount1, at2, amount2, ...}, ascending
 *     by event time, only the claims of the last 30 days, at most ARGV[4] of them;
 *   product amount moments: msgpack of n, mean, M2 (Welford), doubles kept exactly;
 *   serial "seen": the claimId of the first claim that named it (any other value, e.g. "1" of
 *     an earlier layout, reads as another claim's); a serial is seen before when its mark names
 *     another claim.
 *
 * Revisions: a claim sent round again after an evidence request (revision > 0, same claimId,
 * same submittedAt and amount) is the same claim, not another one. Its features are computed
 * from the stores without writing to them: the customer's windows count the claim once (its
 * first round's entry, at the same time and amount, stands for it; if that has expired it
 * counts itself as a new claim would), the product's moments are not updated, and its serial
 * number is seen before only if another claim named it (a serial first named by the revision
 * is marked with its claimId).
 *
 * Idempotency: the event's key holds the features computed the first time. When it exists
 * nothing is counted again and that same string is returned, so a replay publishes identical
 * features. A run that fails halfway (a write refused when Redis is out of memory) leaves the
 * claims before the failure recorded, without their share of the product moments; retrying the
 * run finds their keys and counts only the rest. No claim is ever counted twice; a failed run's
 * claims may be missing from the z-score's statistics, which are an estimate anyway.
 *
 * Windows are by event time: the claim at T sees the customer's claims with
 * T - window < submittedAt <= T (lower edge exclusive, upper inclusive), itself included.
 * A customer keeps at most ARGV[4] claims, the latest by event time, trimmed after counting
 * (so a claim always counts itself): the script reads the customer's whole history for each
 * claim, and one customer id sending thousands of claims a month (a misbehaving partner
 * system, a load test) would otherwise make every one of its claims cost Redis milliseconds.
 *
 * Amounts go into the reply through string.format('%d'): Lua's default number to string
 * conversion keeps only 14 significant digits (counts and times are far below that).
 */
export const COMPUTE_FEATURES_LUA = `
local HOUR = 3600000
local DAY = 24 * HOUR
local WINDOW_30D = 30 * DAY

local min_samples = tonumber(ARGV[1])
local computed_ttl = ARGV[2]
local history_ttl = ARGV[3]
local max_claims = tonumber(ARGV[4])

local function int(n) return string.format('%d', n) end

-- A revision's windows: as customer_windows would count them, its first round's entry (same
-- time and amount) standing for the claim itself; nothing written.
local function revision_windows(key, at, amount)
  local stored = redis.call('GET', key)
  local history = stored and cmsgpack.unpack(stored) or { 0 }
  local count_1h, count_24h, count_30d = 1, 1, 1
  local amount_1h, amount_24h, amount_30d = amount, amount, amount
  local self_found = false
  for i = 2, #history, 2 do
    local claimed_at, claimed = history[i], history[i + 1]
    if not self_found and claimed_at == at and claimed == amount then
      self_found = true
    elseif claimed_at <= at and claimed_at > at - WINDOW_30D then
      count_30d, amount_30d = count_30d + 1, amount_30d + claimed
      if claimed_at > at - DAY then
        count_24h, amount_24h = count_24h + 1, amount_24h + claimed
        if claimed_at > at - HOUR then
          count_1h, amount_1h = count_1h + 1, amount_1h + claimed
        end
      end
    end
  end
  local ever = history[1] + (self_found and 0 or 1)
  local windows = count_1h .. ',' .. count_24h .. ',' .. count_30d
    .. ',' .. int(amount_1h) .. ',' .. int(amount_24h) .. ',' .. int(amount_30d)
  return windows, ever == 1
end

-- Whether another claim named this serial number before; marks it with this claim's id if
-- nobody did. A claim's first round refreshes the mark's TTL; a revision only reads it.
local function serial_seen_by_other(key, claim_id, revision, ttl)
  local mark = redis.call('GET', key)
  if not mark then
    redis.call('SET', key, claim_id, 'PX', ttl)
    return false
  end
  if revision == 0 then redis.call('PEXPIRE', key, ttl) end
  return mark ~= claim_id
end

-- Velocity windows over the customer's history, this claim included, and whether it is their
-- first claim. Writes the history back with this claim in its place and the stale ones dropped.
local function customer_windows(key, at, amount)
  local stored = redis.call('GET', key)
  local history = stored and cmsgpack.unpack(stored) or { 0 }
  local kept = { history[1] + 1 }
  local count_1h, count_24h, count_30d = 1, 1, 1
  local amount_1h, amount_24h, amount_30d = amount, amount, amount
  local placed = false
  for i = 2, #history, 2 do
    local claimed_at = history[i]
    if claimed_at > at - WINDOW_30D then
      local claimed = history[i + 1]
      if not placed and claimed_at > at then
        kept[#kept + 1] = at
        kept[#kept + 1] = amount
        placed = true
      end
      kept[#kept + 1] = claimed_at
      kept[#kept + 1] = claimed
      if claimed_at <= at then
        count_30d, amount_30d = count_30d + 1, amount_30d + claimed
        if claimed_at > at - DAY then
          count_24h, amount_24h = count_24h + 1, amount_24h + claimed
          if claimed_at > at - HOUR then
            count_1h, amount_1h = count_1h + 1, amount_1h + claimed
          end
        end
      end
    end
  end
  if not placed then
    kept[#kept + 1] = at
    kept[#kept + 1] = amount
  end
  local excess = (#kept - 1) / 2 - max_claims
  if excess > 0 then
    local latest = { kept[1] }
    for i = 2 + 2 * excess, #kept do latest[#latest + 1] = kept[i] end
    kept = latest
  end
  redis.call('SET', key, cmsgpack.pack(kept), 'PX', history_ttl)
  local windows = count_1h .. ',' .. count_24h .. ',' .. count_30d
    .. ',' .. int(amount_1h) .. ',' .. int(amount_24h) .. ',' .. int(amount_30d)
  return windows, kept[1] == 1
end

-- The run's product moments by key, { n, mean, M2 }: read on first use, written back by
-- save_moments once the run's claims are counted.
local moments, moment_keys = {}, {}

-- Z-score against the product's claims before this one, then Welford's update (not for a
-- revision, whose amount the first round counted).
local function amount_zscore(key, amount, revision)
  local m = moments[key]
  if not m then
    m = { 0, 0, 0 }
    local stored = redis.call('GET', key)
    if stored then m[1], m[2], m[3] = cmsgpack.unpack(stored) end
    moments[key] = m
    moment_keys[#moment_keys + 1] = key
  end
  local n, mean, m2 = m[1], m[2], m[3]
  local z = 0
  if n >= min_samples and m2 > 0 then
    z = (amount - mean) / math.sqrt(m2 / (n - 1))
  end
  if revision > 0 then return z end
  n = n + 1
  local delta = amount - mean
  mean = mean + delta / n
  m[1], m[2], m[3] = n, mean, m2 + delta * (amount - mean)
  return z
end

local function save_moments()
  for _, key in ipairs(moment_keys) do
    local m = moments[key]
    redis.call('SET', key, cmsgpack.pack(m[1], m[2], m[3]))
  end
end

local replies = {}
for i = 0, #KEYS / 4 - 1 do
  local k, a = 4 * i, 4 + 4 * i
  local computed = redis.call('GET', KEYS[k + 1])
  local replayed = 1
  if not computed then
    replayed = 0
    local at, amount = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
    local claim_id, revision = ARGV[a + 3], tonumber(ARGV[a + 4])
    local windows, first
    if revision > 0 then
      windows, first = revision_windows(KEYS[k + 2], at, amount)
    else
      windows, first = customer_windows(KEYS[k + 2], at, amount)
    end
    local serial_seen = serial_seen_by_other(KEYS[k + 3], claim_id, revision, history_ttl)
    local z = amount_zscore(KEYS[k + 4], amount, revision)
    computed = windows .. ',' .. string.format('%.17g', z)
      .. (first and ',1' or ',0') .. (serial_seen and ',1' or ',0')
    redis.call('SET', KEYS[k + 1], computed, 'PX', computed_ttl)
  end
  replies[2 * i + 1] = computed
  replies[2 * i + 2] = replayed
end
save_moments()
return replies
`;

/** Keys each claim adds to a run of the script (its numkeys is this times the claims). */
export const KEYS_PER_CLAIM = 4;
