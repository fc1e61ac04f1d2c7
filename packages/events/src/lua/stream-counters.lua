-- What a durable reader needs to know about its bus's stream at the instant of a read, without
-- XINFO STREAM's copies of the first and last entries: the counters that tell whether entries
-- were trimmed before the reader got to them, or lost in a failover.
-- KEYS[1] stream   the bus's stream
-- Returns false when the stream does not exist, else { length, last-generated-id,
-- entries-added (false before Redis 7.0), id of the first entry (false when empty) }.
-- No error codes.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local out = { 0, '0-0', false, false }
for i = 1, #info, 2 do
  local name = info[i]
  if name == 'length' then
    out[1] = info[i + 1]
  elseif name == 'last-generated-id' then
    out[2] = info[i + 1]
  elseif name == 'entries-added' then
    out[3] = info[i + 1]
  elseif name == 'first-entry' and info[i + 1] then
    out[4] = info[i + 1][1]
  end
end
return out
