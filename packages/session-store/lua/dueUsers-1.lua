--[[
dueUsers-1: the first `batch` users of a bucket's expiry index that are due by the Redis clock. The
sweeper reads these, then runs sweepUser-4 for each (whose keys it can then name).

KEYS[1] index
ARGV[1] batch size  ARGV[2] cap ms (-1 = none): never look past this time, even if Redis is later
Returns {now, user tag, ...}
]]
-- @include "record"

local now = nowMs()
local cap = tonumber(ARGV[2])
if cap >= 0 and cap < now then now = cap end
local out = {now}
local due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[1]))
for _, tag in ipairs(due) do out[#out + 1] = tag end
return out
