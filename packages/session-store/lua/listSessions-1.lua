--[[
listSessions-1: every live session of one user.

KEYS[1] records
Returns {0, now, username, lid, descriptor, user agent, ...}; username is '' when there are none.
]]
-- @include "record"

local now = nowMs()
local all = redis.call('HGETALL', KEYS[1])
local fields = {}
for k = 1, #all, 2 do fields[all[k]] = all[k + 1] end
local out = {0, now, fields['u'] or ''}
for f, v in pairs(fields) do
  if isDescriptorField(f) and expiryOf(decode(v)) > now then
    local id = string.sub(f, 1, LID_LEN)
    out[#out + 1] = id
    out[#out + 1] = v
    out[#out + 1] = fields[id .. 'a'] or ''
  end
end
return out
