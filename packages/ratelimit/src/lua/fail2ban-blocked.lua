-- fail2ban-blocked.lua: lists the identities of one shard that are blocked now, soonest end
-- first, after dropping the entries of blocks that have ended. No SCAN: the index is kept by
-- the scripts that block and unblock.
-- KEYS[1] index   sorted set of this shard's blocked identities, scored by block end (ms)
-- ARGV[1] limit   the most entries to return (count)
-- Returns { now_ms, id1, ends1_ms, id2, ends2_ms, … }.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local out = { now }
local entries = redis.call('ZRANGE', KEYS[1], '(' .. string.format('%.0f', now), '+inf', 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[1]), 'WITHSCORES')
for i = 1, #entries, 2 do
  out[#out + 1] = entries[i]
  out[#out + 1] = tonumber(entries[i + 1])
end
return out
