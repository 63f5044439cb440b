--[[
dueInBucket-n: up to `batch` users of one bucket's expiry index that are due by the Redis clock,
read across all the bucket's shards in one call. It reads no more than it returns, so a sweep step
costs what it sweeps however long the index is. (`-n`: KEYS holds every shard of the bucket, as
many as the store's `indexShards`; the caller passes the count.)

KEYS[1..n] the bucket's expiry-index shards (they share the bucket's hash tag)
ARGV[1] batch size  ARGV[2] cap ms (-1 = none): never look past this time, even if Redis is later
ARGV[3] shard to start from (callers rotate it, so no shard always waits behind the others)
Returns {now, more (1 when the batch filled up, so more may be due), user tag, ...}
]]
-- @include "record"

local now = nowMs()
local cap = tonumber(ARGV[2])
if cap >= 0 and cap < now then now = cap end
local left = tonumber(ARGV[1])
local shards = #KEYS
local first = tonumber(ARGV[3]) % shards
local out = {now, 0}
for i = 0, shards - 1 do
  if left <= 0 then break end
  local due = redis.call('ZRANGE', KEYS[(first + i) % shards + 1], '-inf', now, 'BYSCORE', 'LIMIT', 0, left)
  for _, tag in ipairs(due) do out[#out + 1] = tag end
  left = left - #due
end
if left <= 0 then out[2] = 1 end
return out
