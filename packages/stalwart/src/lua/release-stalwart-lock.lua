-- Releases a Stalwart-format lock (a key holding its expiry as decimal Unix seconds, set with
-- SET … NX EX) only while it still holds the value this holder wrote. Stalwart itself releases
-- with a plain DEL; comparing first keeps a holder whose lock ran out from deleting the lock a
-- Stalwart node (or another worker) took since. Two holders that wrote the same expiry in the
-- same second cannot be told apart: Stalwart's value names no holder.
--
-- KEYS[1] lock     the lock key (KV_LOCK_TASK or KV_LOCK_QUEUE_MESSAGE, binary)
-- ARGV[1] value    the expiry this holder's SET wrote (Unix s, decimal text)
--
-- Returns  1  released
--          0  expired: no lock at the key (it ran out, or something deleted it)
--         -1  not-owner: the key holds another holder's value
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if current ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1])
return 1
