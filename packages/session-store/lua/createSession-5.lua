--[[
createSession-5: applies the login throttle and the user's session limit and inserts a session, in
one atomic step (counting and inserting separately lets concurrent logins exceed the limit:
spring-security #3121; a throttle read before AAA would cost the login a second round trip).

KEYS[1] records     HASH  the user's sessions (layout in includes/record.lua)
KEYS[2] tombstones  HASH  the user's dead sessions, with the reason
KEYS[3] index       ZSET  the user's shard of the bucket's expiry index: <user tag> -> when to look at the user
KEYS[4] counter     STRING  the bucket's count of sessions not yet ended (for the active-sessions gauge)
KEYS[5] failures    STRING  failed logins of this user from this address (recordLoginFailure-1.lua)
ARGV[1] lid          ARGV[2] user tag      ARGV[3] username     ARGV[4] SHA-256 of the secret
ARGV[5] priv-lvl     ARGV[6] AAA source    ARGV[7] source ip    ARGV[8] user agent ('' = none)
ARGV[9] idle ms      ARGV[10] absolute lifetime ms               ARGV[11] limit (0 = none)
ARGV[12] policy ('reject' | 'evict-oldest')  ARGV[13] tombstone ttl ms  ARGV[14] retention ms
ARGV[15] failures that throttle the pair (0 = no throttle)
ARGV[16] deadline: Redis time (ms) after which the caller no longer waits (0 = none)
Returns
  {0, now, n, lid, descriptor, user agent, ...}  created (its lid, descriptor and user agent), then
                                                 the n sessions it evicted, three values each
  {-1, now, retry after ms, lid, descriptor, user agent, ...}  limit reached (policy reject); live sessions follow
  {-2}  the local id is taken (the caller draws another)
  {-8}  the user tag belongs to another username (a 64-bit tag collision; refuse rather than mix users)
  {-9, now, retry after ms}  too many failed logins of this user from this address
  {-10, now}  the caller's deadline had passed: nothing was done
]]
-- @include "record"

local records, tombstones, index, counter, failures = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local lid, tag, username, hash = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local idle, lifetime, limit = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local policy, tombTtl, retention = ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14])
local maxFailures, deadline = tonumber(ARGV[15]), tonumber(ARGV[16])
local now = nowMs()
-- The caller's deadline (Redis time, ms; 0: none): a command that waited in a queue while Redis
-- was frozen, for a caller that has long answered 503, must not act (issue: no phantom writes).
if deadline > 0 and now > deadline then return {-10, now} end

if maxFailures > 0 and tonumber(redis.call('GET', failures) or '0') >= maxFailures then
  return {-9, now, math.max(redis.call('PTTL', failures), 1)}
end

local owner = redis.call('HGET', records, 'u')
if owner and owner ~= username then return {-8} end
if redis.call('HEXISTS', records, lid) == 1 or redis.call('HEXISTS', tombstones, lid) == 1 then return {-2} end

local live = {}
if limit > 0 then
  local fields = readFields(records)
  for f, v in pairs(fields) do
    if isDescriptorField(f) then
      local id = string.sub(f, 1, LID_LEN)
      local r = decode(v)
      local exp = expiryOf(r)
      if exp > now then
        live[#live + 1] = { id = id, r = r, desc = v, ua = fields[id .. 'a'] or '', hash = fields[id] }
      elseif exp + retention < now then
        -- Expired longer ago than the sweeper's grace period: nobody will report it any more.
        redis.call('HDEL', records, id, id .. 'd', id .. 'a')
        redis.call('DECR', counter)
      end
    end
  end
end

local evicted = {}
if limit > 0 and #live >= limit then
  if policy ~= 'evict-oldest' then
    local soonest = nil
    local out = {-1, now, 0}
    for _, s in ipairs(live) do
      local exp = expiryOf(s.r)
      if soonest == nil or exp < soonest then soonest = exp end
      out[#out + 1] = s.id
      out[#out + 1] = s.desc
      out[#out + 1] = s.ua
    end
    out[3] = soonest - now
    return out
  end
  -- Least recently used first; the older session breaks a tie.
  table.sort(live, function(a, b)
    if a.r.l == b.r.l then return a.r.c < b.r.c end
    return a.r.l < b.r.l
  end)
  for k = 1, #live - limit + 1 do
    local s = live[k]
    bury(records, tombstones, index, tag, s.id, s.hash, 'E', now + tombTtl, retention)
    evicted[#evicted + 1] = s
  end
  redis.call('DECRBY', counter, #evicted)
end

local r = { c = now, l = now, x = now + lifetime, i = idle, p = tonumber(ARGV[5]), a = ARGV[6], ip = ARGV[7] }
local desc = encode(r)
redis.call('HSET', records, 'u', username, lid, hash, lid .. 'd', desc)
if ARGV[8] ~= '' then redis.call('HSET', records, lid .. 'a', ARGV[8]) end
local exp = expiryOf(r)
dueBy(index, tag, exp)
redis.call('INCR', counter)
-- A successful login clears the pair's earlier failures.
if maxFailures > 0 then redis.call('DEL', failures) end
extendTtl(records, exp + retention)

local out = {0, now, #evicted, lid, desc, ARGV[8]}
for _, s in ipairs(evicted) do
  out[#out + 1] = s.id
  out[#out + 1] = s.desc
  out[#out + 1] = s.ua
end
return out
