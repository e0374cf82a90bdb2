/**
 * Lua scripts of the Redis store. Each runs atomically in Redis and reads the time from the Redis
 * server (TIME), so every runtime sharing the store decides expiry with the same clock and the
 * same data: a lease one runtime expired is gone for all of them, and only one of them reports it.
 *
 * Keys under the prefix P: `exp` (sorted set: lease key → expiresAt ms), `lease` (hash: lease key →
 * "registeredAt<TAB>ttlMs<TAB>view JSON"), `svc:<name>` (set of ids), `names` (set of service
 * names), `idx` (hash: name → change index), `seq` (the index counter), `gone` (sorted set of
 * recent expirations, for the eviction guard). A lease key is `<name>/<id>`; neither may hold `/`.
 */

const COMMON = `
local P = ARGV[1]
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function bump(name)
  redis.call('HSET', P .. 'idx', name, redis.call('INCR', P .. 'seq'))
end
local function remove(name, id, n, expired)
  local key = name .. '/' .. id
  redis.call('ZREM', P .. 'exp', key)
  redis.call('HDEL', P .. 'lease', key)
  redis.call('SREM', P .. 'svc:' .. name, id)
  if redis.call('SCARD', P .. 'svc:' .. name) == 0 then redis.call('SREM', P .. 'names', name) end
  bump(name)
  if expired then redis.call('ZADD', P .. 'gone', n, key .. '@' .. n) end
end
`;

/** ARGV: P, name, id, ttlMs, view → { now, registeredAt, changed 0|1 } */
export const REGISTER_SCRIPT = `${COMMON}
local name, id, ttl, view = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local key = name .. '/' .. id
local n = now()
local registered = n
local changed = 1
local old = redis.call('HGET', P .. 'lease', key)
local exp = redis.call('ZSCORE', P .. 'exp', key)
if old and exp and tonumber(exp) > n then
  local reg, _, oldView = string.match(old, '^(%d+)\\t(%d+)\\t(.*)$')
  registered = tonumber(reg)
  if oldView == view then changed = 0 end
end
redis.call('HSET', P .. 'lease', key, registered .. '\\t' .. ttl .. '\\t' .. view)
redis.call('ZADD', P .. 'exp', n + ttl, key)
redis.call('SADD', P .. 'svc:' .. name, id)
redis.call('SADD', P .. 'names', name)
if changed == 1 then bump(name) end
return { n, registered, changed }
`;

/** ARGV: P, name, id, paused 0|1 → { 0, now } unknown | { 1, now, record } renewed | { 2, now, record, expiresAt } expired */
export const RENEW_SCRIPT = `${COMMON}
local name, id, paused = ARGV[2], ARGV[3], ARGV[4]
local key = name .. '/' .. id
local n = now()
local exp = redis.call('ZSCORE', P .. 'exp', key)
local record = redis.call('HGET', P .. 'lease', key)
if not exp or not record then return { 0, n } end
if n >= tonumber(exp) and paused == '0' then
  remove(name, id, n, true)
  return { 2, n, record, exp }
end
local _, ttl = string.match(record, '^(%d+)\\t(%d+)\\t')
redis.call('ZADD', P .. 'exp', n + tonumber(ttl), key)
return { 1, n, record }
`;

/** ARGV: P, name, id → { 0, now } | { 1, now, record, expiresAt } */
export const DEREGISTER_SCRIPT = `${COMMON}
local name, id = ARGV[2], ARGV[3]
local key = name .. '/' .. id
local n = now()
local record = redis.call('HGET', P .. 'lease', key)
if not record then return { 0, n } end
local exp = redis.call('ZSCORE', P .. 'exp', key)
remove(name, id, n, false)
return { 1, n, record, exp or '0' }
`;

/** ARGV: P, name → { index, id1, record1, expiresAt1, … } (index 0 and nothing else when unknown) */
export const SERVICE_SCRIPT = `${COMMON}
local name = ARGV[2]
local result = { tonumber(redis.call('HGET', P .. 'idx', name) or '0') }
for _, id in ipairs(redis.call('SMEMBERS', P .. 'svc:' .. name)) do
  local key = name .. '/' .. id
  local record = redis.call('HGET', P .. 'lease', key)
  local exp = redis.call('ZSCORE', P .. 'exp', key)
  if record and exp then
    table.insert(result, id)
    table.insert(result, record)
    table.insert(result, exp)
  end
end
return result
`;

/** ARGV: P, windowMs → { now, live, due, expiredInWindow } */
export const COUNTS_SCRIPT = `${COMMON}
local n = now()
local total = redis.call('ZCARD', P .. 'exp')
local due = redis.call('ZCOUNT', P .. 'exp', '-inf', n)
redis.call('ZREMRANGEBYSCORE', P .. 'gone', '-inf', '(' .. (n - tonumber(ARGV[2])))
return { n, total - due, due, redis.call('ZCARD', P .. 'gone') }
`;

/** ARGV: P, limit → { now, key1, record1, expiresAt1, … } for the due leases it expired */
export const EXPIRE_SCRIPT = `${COMMON}
local n = now()
local result = { n }
for _, key in ipairs(redis.call('ZRANGEBYSCORE', P .. 'exp', '-inf', n, 'LIMIT', 0, tonumber(ARGV[2]))) do
  local record = redis.call('HGET', P .. 'lease', key)
  local exp = redis.call('ZSCORE', P .. 'exp', key)
  local name, id = string.match(key, '^([^/]+)/(.+)$')
  remove(name, id, n, true)
  table.insert(result, key)
  table.insert(result, record or '0\\t0\\t{}')
  table.insert(result, exp)
end
return result
`;
