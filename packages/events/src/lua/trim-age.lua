-- Applies a bus stream's age retention: drops entries older than maxAgeMs by the server's
-- clock (stream ids carry the server time they were added at). Length retention rides on
-- every XADD (MAXLEN ~); this runs at most once a second per publisher.
-- KEYS[1] stream    the bus's stream
-- ARGV[1] maxAgeMs  drop entries older than this (ms)
-- Returns the number of entries removed. No error codes.
local t = redis.call('TIME')
local cutoff = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[1])
if cutoff <= 0 then
  return 0
end
return redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%d', cutoff) .. '-0')
