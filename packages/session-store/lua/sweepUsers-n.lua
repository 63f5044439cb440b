--[[
sweepUsers-n: sweeps a group of users of one bucket in one call (the sweeper's hot path:
one script per group instead of one per user). For each user it removes the expired sessions and
due tombstones, reporting each expired session exactly once (a session is reported by the call
that deletes its record, and scripts run one at a time, so any number of sweepers can share a
bucket), then files the user under the earliest time anything of theirs is due again. Live
sessions are never touched. (`-n`: three keys per user plus the counter; the caller passes the count.)

KEYS[1] counter (the bucket's), then for user i = 1, 2, …:
  KEYS[3i - 1] index shard  KEYS[3i] records  KEYS[3i + 1] tombstones   (all under the bucket's hash tag)
ARGV[1] tombstone ttl ms  ARGV[2] retention ms  ARGV[3] cap ms (-1 = none)  ARGV[3 + i] user i's tag
Returns {now, then per user: username ('' when not due), lost, n, then n times (lid, descriptor,
  user agent, reason ('idle' | 'lifetime'), expired at ms)}
  lost: 1 when the user was due but their records had already left Redis (the sweeper stayed away
  longer than the retention period, so what expired there cannot be reported), else 0.
]]
-- @include "record"

local tombTtl, retention = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = nowMs()
local cap = tonumber(ARGV[3])
if cap >= 0 and cap < now then now = cap end
local out = {now}
local ended = 0

local function sweepUser(index, records, tombstones, tag)
  local score = redis.call('ZSCORE', index, tag)
  if not score or tonumber(score) > now then
    out[#out + 1] = ''
    out[#out + 1] = 0
    out[#out + 1] = 0
    return
  end

  local lost = 0
  if redis.call('EXISTS', records) == 0 and redis.call('EXISTS', tombstones) == 0 then lost = 1 end

  local fields = readFields(records)
  out[#out + 1] = fields['u'] or ''
  out[#out + 1] = lost
  local countAt = #out + 1
  out[countAt] = 0
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
        out[countAt] = out[countAt] + 1
        out[#out + 1] = lid
        out[#out + 1] = v
        out[#out + 1] = fields[lid .. 'a'] or ''
        out[#out + 1] = reason
        out[#out + 1] = exp
      end
    end
  end
  ended = ended + out[countAt]

  local dead = redis.call('HGETALL', tombstones)
  for k = 1, #dead, 2 do
    local untilMs = tombstoneUntil(dead[k + 1])
    if untilMs <= now then redis.call('HDEL', tombstones, dead[k]) else later(untilMs) end
  end

  dropIfEmpty(records)
  if nextDue == nil then
    redis.call('ZREM', index, tag)
  else
    redis.call('ZADD', index, nextDue, tag)
  end
end

for i = 1, #ARGV - 3 do
  sweepUser(KEYS[3 * i - 1], KEYS[3 * i], KEYS[3 * i + 1], ARGV[3 + i])
end
if ended > 0 then redis.call('DECRBY', KEYS[1], ended) end
return out
