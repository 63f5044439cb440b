--[[
revokeSession-4: ends one live session and leaves a tombstone, so its token's next use is told
"revoked" instead of a bare "invalid".

KEYS[1] records  KEYS[2] tombstones  KEYS[3] index  KEYS[4] counter
ARGV[1] lid  ARGV[2] user tag  ARGV[3] tombstone ttl ms  ARGV[4] retention ms
ARGV[5] deadline: Redis time (ms) after which the caller no longer waits (0 = none)
Returns {0, now, username, descriptor, user agent}, {-7} when unknown or already dead, or {-10, now}
when the caller's deadline had passed (nothing done).
]]
-- @include "record"

local records, tombstones, index = KEYS[1], KEYS[2], KEYS[3]
local lid, deadline = ARGV[1], tonumber(ARGV[5])
local now = nowMs()
-- The caller's deadline (Redis time, ms; 0: none): a command that waited in a queue while Redis
-- was frozen, for a caller that has long answered 503, must not act (issue: no phantom writes).
if deadline > 0 and now > deadline then return {-10, now} end
local v = redis.call('HMGET', records, lid, lid .. 'd', 'u', lid .. 'a')
if not v[1] or not v[2] or expiryOf(decode(v[2])) <= now then return {-7} end
bury(records, tombstones, index, ARGV[2], lid, v[1], 'R', now + tonumber(ARGV[3]), tonumber(ARGV[4]))
redis.call('DECR', KEYS[4])
dropIfEmpty(records)
return {0, now, v[3], v[2], v[4] or ''}
