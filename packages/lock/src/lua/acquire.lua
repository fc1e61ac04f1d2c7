-- Acquires a lease on a lock (limit 1) or a semaphore (limit N) and issues its fencing token.
--
-- One hash per lock holds everything, so the script touches one key and runs on Redis Cluster
-- and Dragonfly whatever the key looks like (binary Stalwart keys included):
--   field "fence"      the last token issued
--   field "kept"       until when (server µs) the key's TTL was last set to keep the fence
--   field <owner id>   "<start µs>:<ttl ms>:<token>" of a live lease
-- Leases end by the server's clock (TIME), not by key expiry, so the fence outlives them; the key
-- expires `retention` ms after the last lease ends. Records are written from TIME's own digits
-- (no number formatting on the common path: it is the costliest step of a short script).
--
-- The token is max(fence + 1, server time in µs): the counter keeps it strictly increasing on one
-- server even if its clock steps back, and the clock keeps it increasing when the counter is lost
-- (a failover to a replica the grant never reached, or the key expired after `retention`): the
-- new primary's clock is past the old grant by the failover's duration.
--
-- An owner that already holds a live lease gets it renewed with its own token (a resent acquire
-- whose first reply was lost is harmless).
--
-- KEYS[1] lock       the lock's hash
-- ARGV[1] owner      the acquiring lease's id
-- ARGV[2] ttl        lease length (ms, a whole number)
-- ARGV[3] limit      leases allowed at once (1 for a lock)
-- ARGV[4] retention  how long the key outlives its last lease, keeping the fence (ms)
--
-- Returns {1, token}   acquired (or renewed for the same owner)
--         {0, waitMs}  full: waitMs until the first live lease runs out by itself
local key = KEYS[1]
local owner = ARGV[1]
local ttlUs = tonumber(ARGV[2]) * 1000
local limit = tonumber(ARGV[3])
local retentionUs = tonumber(ARGV[4]) * 1000
local time = redis.call('TIME')
local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
local nowText = time[1] .. string.sub('00000' .. time[2], -6)

local fields = redis.call('HGETALL', key)
local fence = 0
local kept = 0
local live = 0
local mine = nil
local soonest = nil
local latest = nowUs + ttlUs
for i = 1, #fields, 2 do
  local name = fields[i]
  if name == 'fence' then
    fence = tonumber(fields[i + 1])
  elseif name == 'kept' then
    kept = tonumber(fields[i + 1])
  else
    local value = fields[i + 1]
    local a = string.find(value, ':', 1, true)
    local b = string.find(value, ':', a + 1, true)
    local deadline = tonumber(string.sub(value, 1, a - 1)) + tonumber(string.sub(value, a + 1, b - 1)) * 1000
    if deadline <= nowUs then
      -- A lapsed lease (its holder crashed or stalled) frees its place; its own holder learns
      -- it from extend or release.
      redis.call('HDEL', key, name)
    elseif name == owner then
      mine = string.sub(value, b + 1)
    else
      live = live + 1
      if deadline > latest then latest = deadline end
      if soonest == nil or deadline < soonest then soonest = deadline end
    end
  end
end

if mine == nil and live >= limit then
  return {0, math.ceil((soonest - nowUs) / 1000)}
end

local token
local tokenText
if mine ~= nil then
  tokenText = mine
  token = tonumber(mine)
elseif nowUs > fence then
  token = nowUs
  tokenText = nowText
else
  token = fence + 1
  tokenText = string.format('%.0f', token)
end

local record = nowText .. ':' .. ARGV[2] .. ':' .. tokenText
-- The key's TTL is pushed out only when less than half the retention is left past the last
-- lease, so most acquires skip PEXPIRE.
if kept < latest + retentionUs / 2 then
  kept = latest + retentionUs
  redis.call('HSET', key, owner, record, 'fence', tokenText, 'kept', string.format('%.0f', kept))
  redis.call('PEXPIRE', key, math.ceil((kept - nowUs) / 1000))
else
  redis.call('HSET', key, owner, record, 'fence', tokenText)
end
return {1, token}
