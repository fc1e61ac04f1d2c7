-- Releases a lease and tells waiters, so the next one acquires at once instead of at its next
-- poll: PUBLISH on "coordis:lock:" followed by the key (the key as the server sees it, after any
-- client-side key prefix). A channel is not a key: classic PUBLISH needs no slot and reaches
-- subscribers on every Cluster node. The fence stays: the next token is still higher.
--
-- KEYS[1] lock     the lock's hash (see acquire.lua)
-- ARGV[1] owner    the lease's id
--
-- Returns  1  released
--          0  expired: the lease had run out before this call (its record is removed)
--         -1  not-owner: no lease of this owner (it ran out and was cleared, was already
--             released, or was lost with the data in a failover)
local key = KEYS[1]
local owner = ARGV[1]
local value = redis.call('HGET', key, owner)
if not value then return -1 end

redis.call('HDEL', key, owner)
redis.call('PUBLISH', 'coordis:lock:' .. key, '')

local time = redis.call('TIME')
local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
local a = string.find(value, ':', 1, true)
local b = string.find(value, ':', a + 1, true)
if tonumber(string.sub(value, 1, a - 1)) + tonumber(string.sub(value, a + 1, b - 1)) * 1000 <= nowUs then return 0 end
return 1
