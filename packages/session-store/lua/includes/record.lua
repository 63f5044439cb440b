--[[
Shared helpers, inlined by scripts.ts where a script says `-- @include "record"`.

Record layout (one HASH per user, KEYS "records" = <prefix>:{<bucket>}:r:<user tag>):
  u           username
  <lid>       SHA-256 of the token secret (32 raw bytes); never the secret itself
  <lid>d      descriptor "c|l|x|i|p|a|ip": created (ms since the epoch), last access and absolute
              deadline (ms after created), idle timeout (ms), priv-lvl, all base 36; AAA source; source ip
  <lid>a      user agent, at most 64 bytes (only when the client sent one)
Local ids (<lid>) are 8 characters, so a field's length tells its kind. Values stay within 64 bytes
so that Redis keeps the hash in its compact listpack encoding.

Expiry index (ZSET "index" = <prefix>:{<bucket>}:e, one per bucket): <user tag> -> the earliest time
one of the user's sessions or tombstones may be due. Writers only ever lower a score (ZADD LT), so it
is never late; a touch that moves a deadline later leaves it early, and the sweeper then finds nothing
due, looks again at the user's true earliest time, and stores that.

Tombstones (HASH "tombstones" = <prefix>:{<bucket>}:t:<user tag>):
  <lid>       reason char (R revoked, E evicted, L lifetime) .. SHA-256 of the secret .. base36(until ms)
]]
local DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'
local LID_LEN = 8

local function b36(n)
  n = math.floor(n)
  if n <= 0 then return '0' end
  local out = {}
  while n > 0 do
    local d = n % 36
    table.insert(out, 1, string.sub(DIGITS, d + 1, d + 1))
    n = (n - d) / 36
  end
  return table.concat(out)
end

-- Milliseconds from the Redis clock: application clocks drift, scripts never trust them.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function decode(desc)
  local c, l, x, i, p, a, ip = string.match(desc,
    '^([0-9a-z]+)|([0-9a-z]+)|([0-9a-z]+)|([0-9a-z]+)|([0-9a-z]+)|([^|]*)|(.*)$')
  c = tonumber(c, 36)
  return { c = c, l = c + tonumber(l, 36), x = c + tonumber(x, 36), i = tonumber(i, 36),
           p = tonumber(p, 36), a = a, ip = ip }
end

local function encode(r)
  return b36(r.c) .. '|' .. b36(r.l - r.c) .. '|' .. b36(r.x - r.c) .. '|' .. b36(r.i) .. '|' .. b36(r.p) .. '|'
    .. r.a .. '|' .. r.ip
end

-- A session dies at the earlier of its idle deadline and its absolute deadline.
local function expiryOf(r)
  return math.min(r.l + r.i, r.x)
end

local function diedOfLifetime(r)
  return r.x <= r.l + r.i
end

-- Moves a key's expiry later, never earlier (PEXPIRETIME is -1 for a key without one).
local function extendTtl(key, at)
  if redis.call('PEXPIRETIME', key) < at then redis.call('PEXPIREAT', key, at) end
end

local function isDescriptorField(f)
  return string.len(f) == LID_LEN + 1 and string.sub(f, -1) == 'd'
end

-- The user's records hash as a table: field -> value.
local function readFields(records)
  local all = redis.call('HGETALL', records)
  local fields = {}
  for k = 1, #all, 2 do fields[all[k]] = all[k + 1] end
  return fields
end

-- Calls fn(lid, descriptor, record) for each session of `fields` still alive at `now`.
local function eachLive(fields, now, fn)
  for f, v in pairs(fields) do
    if isDescriptorField(f) then
      local r = decode(v)
      if expiryOf(r) > now then fn(string.sub(f, 1, LID_LEN), v, r) end
    end
  end
end

local function tombstone(code, hash, untilMs)
  return code .. hash .. b36(untilMs)
end

local function tombstoneUntil(t)
  return tonumber(string.sub(t, 34), 36)
end

-- Makes sure the sweeper looks at the user no later than `at`.
local function dueBy(index, tag, at)
  redis.call('ZADD', index, 'LT', at, tag)
end

-- Replaces a live session with a tombstone: the token's next use can say why it died.
-- The hash outlives its newest tombstone by the retention period, so the sweeper (which clears each
-- tombstone when it is due) finds it there and can tell a cleared tombstone from a lost session.
local function bury(records, tombstones, index, tag, lid, hash, code, untilMs, retention)
  redis.call('HDEL', records, lid, lid .. 'd', lid .. 'a')
  redis.call('HSET', tombstones, lid, tombstone(code, hash, untilMs))
  extendTtl(tombstones, untilMs + retention)
  dueBy(index, tag, untilMs)
end

-- Deletes the records hash once only the username is left in it.
local function dropIfEmpty(records)
  if redis.call('HLEN', records) <= 1 then redis.call('DEL', records) end
end
