--[[
getSession-1: one live session by its local id (no secret: callers are already authorised).

KEYS[1] records   ARGV[1] lid
Returns {0, now, username, descriptor, user agent} or {-7} when unknown or expired.
]]
-- @include "record"

local now = nowMs()
local v = redis.call('HMGET', KEYS[1], ARGV[1] .. 'd', 'u', ARGV[1] .. 'a')
if not v[1] or expiryOf(decode(v[1])) <= now then return {-7} end
return {0, now, v[2], v[1], v[3] or ''}
