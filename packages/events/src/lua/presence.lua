-- Renews this process's presence under its node id and lists the other live processes that
-- claim the same id, so both sides of a collision can see it. Entries of processes that
-- stopped renewing (crashed) are removed once they expire.
-- KEYS[1] presence  hash: instance id → expiry (Unix ms, server clock) of each process running this node id
-- ARGV[1] instance  this process's instance id (random, per process)
-- ARGV[2] ttlMs     how long a presence lasts without renewal (ms)
-- Returns a flat array: the server time (Unix ms), then an instance id and its expiry for every
-- other process whose presence has not expired. No error codes.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', now + ttl))
local out = { now }
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if all[i] ~= ARGV[1] then
    if tonumber(all[i + 1]) <= now then
      redis.call('HDEL', KEYS[1], all[i])
    else
      out[#out + 1] = all[i]
      out[#out + 1] = all[i + 1]
    end
  end
end
redis.call('PEXPIRE', KEYS[1], ttl)
return out
