--[[
recordLoginFailure-1: counts one failed login of a user from an address (only AAA rejects count;
timeouts and session-limit refusals never do). The window starts at the first failure.

KEYS[1] failures  STRING  <prefix>:{<bucket>}:f:<user tag><address digest>
ARGV[1] window ms
Returns {failures, ms until the window ends}
]]
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1])) end
return {count, redis.call('PTTL', KEYS[1])}
