--[[
recordLoginFailure-1: counts one failed login of a user from an address (only AAA rejects count;
timeouts and session-limit refusals never do), or one failure of an address or client across users.
The window starts at the first failure.

KEYS[1] failures  STRING  <prefix>:{<bucket>}:f:<user tag><address digest> (or :g: for fallbacks),
                          or a count that belongs to no user (SessionStore.recordFailure):
                          <prefix>:{x<subject digest>}:<a|b|c> (address, address-fallback, client)
ARGV[1] window ms
ARGV[2] deadline: Redis time (ms) after which the caller no longer waits (0 = none)
Returns {failures, ms until the window ends}, or {-10, now} when the caller's deadline had passed:
an attempt the client was answered 503 for must not count later.
]]
local deadline = tonumber(ARGV[2])
if deadline > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if now > deadline then return {-10, now} end
end
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1])) end
return {count, redis.call('PTTL', KEYS[1])}
