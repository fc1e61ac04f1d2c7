-- Saves a durable node's position in one step: its checkpoint, the count of stream entries it
-- has read up to it, and whether it is running (a clean close removes the marker, so the next
-- start knows nothing was left half-handled). Used for commits that carry no ctx.tx writes;
-- those that do are a MULTI/EXEC of the writes and the same fields.
-- KEYS[1] checkpoints  hash: node id → last stream id handled
-- KEYS[2] node         hash: this node's state (read, run)
-- ARGV[1] nodeId       the node id
-- ARGV[2] id           the last stream id handled
-- ARGV[3] read         entries of the stream's history up to it ('' when not known)
-- ARGV[4] run          the running instance's marker (instance:readCount), '' at a clean close
-- Returns 1. No error codes.
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[2], 'read', ARGV[3])
end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[2], 'run', ARGV[4])
else
  redis.call('HDEL', KEYS[2], 'run')
end
return 1
