--[[
revokeAllSessions-4: ends every live session of one user ("log out everywhere"), each with a
tombstone. Sessions already expired are left to the sweeper, which reports their expiry.

KEYS[1] records  KEYS[2] tombstones  KEYS[3] index  KEYS[4] counter
ARGV[1] user tag  ARGV[2] tombstone ttl ms  ARGV[3] retention ms
ARGV[4] deadline: Redis time (ms) after which the caller no longer waits (0 = none)
Returns {0, now, username, lid, descriptor, user agent, ...} for the sessions it ended, or {-10, now}
when the caller's deadline had passed (nothing done).
]]
-- @include "record"

local records, tombstones, index = KEYS[1], KEYS[2], KEYS[3]
local tag, retention, deadline = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
local now = nowMs()
-- The caller's deadline (Redis time, ms; 0: none): a command that waited in a queue while Redis
-- was frozen, for a caller that has long answered 503, must not act (issue: no phantom writes).
if deadline > 0 and now > deadline then return {-10, now} end
local untilMs = now + tonumber(ARGV[2])
local fields = readFields(records)
local out = {0, now, fields['u'] or ''}
eachLive(fields, now, function(lid, desc)
  out[#out + 1] = lid
  out[#out + 1] = desc
  out[#out + 1] = fields[lid .. 'a'] or ''
  bury(records, tombstones, index, tag, lid, fields[lid], 'R', untilMs, retention)
end)
redis.call('DECRBY', KEYS[4], (#out - 3) / 3)
dropIfEmpty(records)
return out
