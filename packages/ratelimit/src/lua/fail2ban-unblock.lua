-- fail2ban-unblock.lua: lifts an identity's block and forgets its failures.
-- KEYS[1] failures   list of recent failure times (ms) of the identity
-- KEYS[2] block      the block key
-- KEYS[3] index      sorted set of this shard's blocked identities, scored by block end (ms)
-- ARGV[1] id         the identity, as the index lists it
-- Returns 1 when the identity was blocked, 0 when it was not.

local was = redis.call('DEL', KEYS[2])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return was
