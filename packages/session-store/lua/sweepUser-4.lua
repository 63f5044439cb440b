--[[
sweepUser-4: removes one user's expired sessions and due tombstones, reporting each expired session
exactly once (a session is reported by the call that deletes its record, and scripts run one at a
time, so any number of sweepers can share a bucket), then files the user under the earliest time
anything of theirs is due again. Live sessions are never touched.

KEYS[1] index  KEYS[2] records  KEYS[3] tombstones  KEYS[4] counter
ARGV[1] user tag  ARGV[2] tombstone ttl ms  ARGV[3] retention ms  ARGV[4] cap ms (-1 = none)
Returns {0, now, username, lost, lid, descriptor, user agent, reason ('idle' | 'lifetime'), expired at ms, ...}
  lost: 1 when the user was due but their records had already left Redis (the sweeper stayed away
  longer than the retention period, so what expired there cannot be reported), else 0.
]]
-- @include "record"

local index, records, tombstones = KEYS[1], KEYS[2], KEYS[3]
local tag, tombTtl, retention = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now = nowMs()
local cap = tonumber(ARGV[4])
if cap >= 0 and cap < now then now = cap end

local score = redis.call('ZSCORE', index, tag)
if not score or tonumber(score) > now then return {0, now, '', 0} end

local lost = 0
if redis.call('EXISTS', records) == 0 and redis.call('EXISTS', tombstones) == 0 then lost = 1 end

local all = redis.call('HGETALL', records)
local fields = {}
for k = 1, #all, 2 do fields[all[k]] = all[k + 1] end
local out = {0, now, fields['u'] or '', lost}
local nextDue = nil
local function later(at)
  if nextDue == nil or at < nextDue then nextDue = at end
end

for f, v in pairs(fields) do
  if isDescriptorField(f) then
    local lid = string.sub(f, 1, LID_LEN)
    local r = decode(v)
    local exp = expiryOf(r)
    if exp > now then
      later(exp)
    else
      redis.call('HDEL', records, lid, f, lid .. 'a')
      local reason = 'idle'
      if diedOfLifetime(r) then
        -- Keep telling the token's holder why, as revocations and evictions do.
        reason = 'lifetime'
        local untilMs = now + tombTtl
        redis.call('HSET', tombstones, lid, tombstone('L', fields[lid], untilMs))
        extendTtl(tombstones, untilMs + retention)
        later(untilMs)
      end
      out[#out + 1] = lid
      out[#out + 1] = v
      out[#out + 1] = fields[lid .. 'a'] or ''
      out[#out + 1] = reason
      out[#out + 1] = exp
    end
  end
end

local dead = redis.call('HGETALL', tombstones)
for k = 1, #dead, 2 do
  local untilMs = tombstoneUntil(dead[k + 1])
  if untilMs <= now then redis.call('HDEL', tombstones, dead[k]) else later(untilMs) end
end

redis.call('DECRBY', KEYS[4], (#out - 4) / 5)
dropIfEmpty(records)
if nextDue == nil then
  redis.call('ZREM', index, tag)
else
  redis.call('ZADD', index, nextDue, tag)
end
return out
