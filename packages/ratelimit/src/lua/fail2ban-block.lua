-- fail2ban-block.lua: blocks an identity for ban_ms from now, whatever its failures (a manual
-- ban, or a ban decided elsewhere), replacing any block it had; its failures are forgotten.
-- KEYS[1] failures   list of recent failure times (ms) of the identity
-- KEYS[2] block      the block: holds its end (ms) and expires then
-- KEYS[3] index      sorted set of this shard's blocked identities, scored by block end (ms)
-- ARGV[1] id         the identity, as the index lists it
-- ARGV[2] ban_ms     how long the block lasts (ms)
-- Returns { now_ms, ends_ms }.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ends = string.format('%.0f', now + tonumber(ARGV[2]))
redis.call('SET', KEYS[2], ends, 'PXAT', ends)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZADD', KEYS[3], ends, ARGV[1])
redis.call('DEL', KEYS[1])
return { now, tonumber(ends) }
