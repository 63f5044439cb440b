--[[
listSessions-1: every live session of one user.

KEYS[1] records
Returns {0, now, username, lid, descriptor, user agent, ...}; username is '' when there are none.
]]
-- @include "record"

local now = nowMs()
local fields = readFields(KEYS[1])
local out = {0, now, fields['u'] or ''}
eachLive(fields, now, function(lid, desc)
  out[#out + 1] = lid
  out[#out + 1] = desc
  out[#out + 1] = fields[lid .. 'a'] or ''
end)
return out
