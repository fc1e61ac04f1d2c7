-- Extends a live lease to `ttl` ms from now (server time), keeping its token. A lease that has
-- already run out is not revived: another holder may have had the lock in between.
--
-- KEYS[1] lock       the lock's hash (see acquire.lua)
-- ARGV[1] owner      the lease's id
-- ARGV[2] ttl        new lease length from now (ms, a whole number)
-- ARGV[3] retention  how long the key outlives its last lease, keeping the fence (ms)
--
-- Returns  1  extended
--          0  expired: the lease ran out before this call (its record is left for acquire to clear)
--         -1  not-owner: no lease of this owner (it ran out and was cleared, was released, or was
--             lost with the data in a failover)
local key = KEYS[1]
local owner = ARGV[1]
local found = redis.call('HMGET', key, owner, 'kept')
local value = found[1]
if not value then return -1 end

local time = redis.call('TIME')
local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
local a = string.find(value, ':', 1, true)
local b = string.find(value, ':', a + 1, true)
if tonumber(string.sub(value, 1, a - 1)) + tonumber(string.sub(value, a + 1, b - 1)) * 1000 <= nowUs then return 0 end

local record = time[1] .. string.sub('00000' .. time[2], -6) .. ':' .. ARGV[2] .. string.sub(value, b)
local latest = nowUs + tonumber(ARGV[2]) * 1000
local retentionUs = tonumber(ARGV[3]) * 1000
local kept = tonumber(found[2] or '0')
if kept < latest + retentionUs / 2 then
  kept = latest + retentionUs
  redis.call('HSET', key, owner, record, 'kept', string.format('%.0f', kept))
  redis.call('PEXPIRE', key, math.ceil((kept - nowUs) / 1000))
else
  redis.call('HSET', key, owner, record)
end
return 1
