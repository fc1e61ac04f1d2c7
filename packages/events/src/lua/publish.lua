-- Appends one event to a bus's stream and applies the retention in the same step, so the
-- stream is bounded by length and by age without a second round trip.
-- KEYS[1] stream    the bus's stream
-- ARGV[1] data      the encoded envelope
-- ARGV[2] maxLen    keep about this many entries (approximate trimming, ~)
-- ARGV[3] maxAgeMs  drop entries older than this (0: no age limit), measured on the server's clock
-- Returns the new entry's id.
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
local maxAge = tonumber(ARGV[3])
if maxAge > 0 then
  local now = redis.call('TIME')
  local cutoff = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - maxAge
  if cutoff > 0 then
    redis.call('XTRIM', KEYS[1], 'MINID', '~', tostring(cutoff) .. '-0')
  end
end
return id
