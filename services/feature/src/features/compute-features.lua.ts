/**
 * Computes one claim's features and records the claim in the feature store, atomically.
 *
 * KEYS: 1 event marker, 2 customer claims (sorted set), 3 customer claim count,
 *       4 serial claim count, 5 product amount stats (hash n, mean, m2)
 * ARGV: 1 eventId, 2 submittedAt (epoch ms), 3 amountMinor, 4 daysSincePolicyStart,
 *       5 descriptionLength, 6 mediaCount, 7 z-score min samples, 8 marker TTL ms,
 *       9 history TTL ms, 10 most claims kept per customer
 * Returns { featuresJson, replayed (0 or 1) }.
 *
 * Idempotency: the event marker holds the features JSON computed the first time. When it
 * exists nothing is counted again and that same JSON is returned, so a replay publishes
 * byte-identical features.
 *
 * Windows are by event time: the claim at T sees the customer's claims with
 * T - window < submittedAt <= T (lower edge exclusive, upper inclusive), itself included.
 * A customer keeps at most ARGV[10] claims, the latest by event time, so a claim is counted
 * with at most that many earlier ones: the script reads the customer's whole history for
 * each claim, and one customer id sending thousands of claims a month (a misbehaving partner
 * system, a load test) would otherwise make every one of its claims cost Redis milliseconds.
 *
 * Numbers go to Redis and into the JSON through string.format: Lua's default number to
 * string conversion keeps only 14 significant digits.
 */
export const COMPUTE_FEATURES_LUA = `
local stored = redis.call('GET', KEYS[1])
if stored then
  return { stored, 1 }
end

local HOUR = 3600000
local DAY = 24 * HOUR
local WINDOW_30D = 30 * DAY

local event_id = ARGV[1]
local at = tonumber(ARGV[2])
local amount = tonumber(ARGV[3])
local min_samples = tonumber(ARGV[7])
local history_ttl = ARGV[9]

local function int(n) return string.format('%d', n) end
local function float(n) return string.format('%.17g', n) end

-- Velocity windows over the customer's recent claims, this one included. Claims that fell
-- out of the 30-day window are skipped while counting and trimmed only when there are
-- some: every write in a script is also appended to the AOF, so writes are what cost.
redis.call('ZADD', KEYS[2], int(at), event_id .. ':' .. int(amount))
redis.call('PEXPIRE', KEYS[2], int(WINDOW_30D + DAY))
local count_1h, count_24h, count_30d = 0, 0, 0
local amount_1h, amount_24h, amount_30d = 0, 0, 0
local stale = 0
local recent = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #recent, 2 do
  local submitted_at = tonumber(recent[i + 1])
  if submitted_at <= at - WINDOW_30D then
    stale = stale + 1
  elseif submitted_at <= at then
    local claimed = tonumber(string.match(recent[i], ':(%d+)$'))
    count_30d, amount_30d = count_30d + 1, amount_30d + claimed
    if submitted_at > at - DAY then
      count_24h, amount_24h = count_24h + 1, amount_24h + claimed
    end
    if submitted_at > at - HOUR then
      count_1h, amount_1h = count_1h + 1, amount_1h + claimed
    end
  end
end
if stale > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', int(at - WINDOW_30D))
end
-- Trimmed after counting, so this claim is always counted, even when it is older than the rest.
local excess = #recent / 2 - stale - tonumber(ARGV[10])
if excess > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, int(excess - 1))
end

-- Lifetime facts: has the customer claimed before, has anyone claimed this serial before.
-- GET then SET with PX is one write where INCR then PEXPIRE would be two.
local function count_and_touch(key)
  local n = (tonumber(redis.call('GET', key)) or 0) + 1
  redis.call('SET', key, int(n), 'PX', history_ttl)
  return n
end
local customer_claims = count_and_touch(KEYS[3])
local serial_claims = count_and_touch(KEYS[4])

-- Z-score against the product's claims before this one, then Welford's update.
local stats = redis.call('HMGET', KEYS[5], 'n', 'mean', 'm2')
local n = tonumber(stats[1]) or 0
local mean = tonumber(stats[2]) or 0
local m2 = tonumber(stats[3]) or 0
local z = 0
if n >= min_samples and m2 > 0 then
  z = (amount - mean) / math.sqrt(m2 / (n - 1))
end
n = n + 1
local delta = amount - mean
mean = mean + delta / n
m2 = m2 + delta * (amount - mean)
redis.call('HSET', KEYS[5], 'n', int(n), 'mean', float(mean), 'm2', float(m2))

local features = '{'
  .. '"customerClaimCount1h":' .. int(count_1h)
  .. ',"customerClaimCount24h":' .. int(count_24h)
  .. ',"customerClaimCount30d":' .. int(count_30d)
  .. ',"customerAmount1hMinor":' .. int(amount_1h)
  .. ',"customerAmount24hMinor":' .. int(amount_24h)
  .. ',"customerAmount30dMinor":' .. int(amount_30d)
  .. ',"amountZScore":' .. float(z)
  .. ',"daysSincePolicyStart":' .. int(tonumber(ARGV[4]))
  .. ',"descriptionLength":' .. int(tonumber(ARGV[5]))
  .. ',"mediaCount":' .. int(tonumber(ARGV[6]))
  .. ',"isFirstClaim":' .. tostring(customer_claims == 1)
  .. ',"serialNumberSeenBefore":' .. tostring(serial_claims > 1)
  .. '}'
redis.call('SET', KEYS[1], features, 'PX', ARGV[8])
return { features, 0 }
`;
