-- fail2ban-fail.lua: records one failure of an identity. When the failures within the last
-- find_ms reach max_failures, the identity is blocked for ban_ms: the block key is written
-- (expiring at the block's end), the identity enters its shard's index of blocked identities,
-- and its failures are forgotten. A failure while blocked is not counted.
-- KEYS[1] failures       list of recent failure times (ms), newest first, at most max_failures long
-- KEYS[2] block          the block: holds its end (ms) and expires then
-- KEYS[3] index          sorted set of this shard's blocked identities, scored by block end (ms)
-- ARGV[1] id             the identity, as the index lists it
-- ARGV[2] max_failures   failures within find_ms that start a block (count)
-- ARGV[3] find_ms        how far back failures count (ms)
-- ARGV[4] ban_ms         how long a block lasts (ms)
-- Returns { now_ms, status, failures, blocked_for_ms }:
-- status 0: counted, not blocked (failures: those within find_ms, this one included);
-- status 1: this failure started a block of blocked_for_ms;
-- status 2: already blocked for blocked_for_ms more, not counted.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max_failures, find_ms, ban_ms = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])

local left = redis.call('PTTL', KEYS[2])
if left > 0 then return { now, 2, 0, left } end

redis.call('LPUSH', KEYS[1], string.format('%.0f', now))
redis.call('LTRIM', KEYS[1], 0, max_failures - 1)
local count = 0
for _, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if tonumber(v) > now - find_ms then count = count + 1 else break end
end

if count >= max_failures then
  local ends = string.format('%.0f', now + ban_ms)
  redis.call('SET', KEYS[2], ends, 'PXAT', ends)
  -- Blocks that ended leave the index here too, so it stays as small as what is blocked.
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  redis.call('ZADD', KEYS[3], ends, ARGV[1])
  redis.call('DEL', KEYS[1])
  return { now, 1, count, ban_ms }
end

redis.call('PEXPIRE', KEYS[1], find_ms)
return { now, 0, count, 0 }
