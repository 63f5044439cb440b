--[[
validateSession-2: checks a token and, when asked, slides the idle deadline. The hot path: one
HMGET, and a write only when the deadline would move by at least the touch granularity. A touch
writes only to a live record (it never recreates a dead session) and leaves the expiry index alone:
a later deadline never makes the sweeper late, only early.

KEYS[1] records  KEYS[2] tombstones   (layout in includes/record.lua)
ARGV[1] lid  ARGV[2] SHA-256 of the presented secret  ARGV[3] touch (1 | 0)
ARGV[4] touch granularity ms (-1 = automatic: 1% of the idle timeout, at least 1 s, at most a tenth
of it)  ARGV[5] retention ms
Returns
  {0, now, username, descriptor, user agent, touched (1 | 0)}
  {-3} invalid (unknown, wrong secret, idle-expired)  {-4} revoked  {-5} evicted  {-6} lifetime exceeded
]]
-- @include "record"

local records, tombstones = KEYS[1], KEYS[2]
local lid, hash = ARGV[1], ARGV[2]
local now = nowMs()

local v = redis.call('HMGET', records, lid, lid .. 'd', 'u', lid .. 'a')
if not v[1] then
  local t = redis.call('HGET', tombstones, lid)
  -- A reason is given only to the holder of the real token, and only while the tombstone lasts.
  if t and string.sub(t, 2, 33) == hash and tombstoneUntil(t) > now then
    -- Built here, on the rare path, not on every call: a table per call is measurable in this script.
    local REASONS = { R = -4, E = -5, L = -6 }
    return { REASONS[string.sub(t, 1, 1)] or -3 }
  end
  return {-3}
end
if v[1] ~= hash then return {-3} end

local r = decode(v[2])
local exp = expiryOf(r)
if exp <= now then
  if diedOfLifetime(r) then return {-6} end
  return {-3}
end

local desc, touched = v[2], 0
if ARGV[3] == '1' then
  local nextExp = math.min(now + r.i, r.x)
  local g = tonumber(ARGV[4])
  if g < 0 then g = math.min(math.max(1000, r.i / 100), r.i / 10) end
  if nextExp > exp and nextExp - exp >= g then
    r.l = now
    desc = encode(r)
    redis.call('HSET', records, lid .. 'd', desc)
    extendTtl(records, nextExp + tonumber(ARGV[5]))
    touched = 1
  end
end
return {0, now, v[3], desc, v[4] or '', touched}
