--[[
countDue-1: how many users of a bucket have something due by the Redis clock (the sweeper's backlog;
it counts users, and a touched session can make a user due early, so it is an upper bound).

KEYS[1] index
Returns the count.
]]
-- @include "record"

return redis.call('ZCOUNT', KEYS[1], '-inf', nowMs())
