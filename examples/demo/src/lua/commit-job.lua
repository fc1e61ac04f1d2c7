-- Records a job's result, once, for the token that claimed it last: a stale holder's commit is
-- refused, and a commit sent twice (its first outcome unknown after a failover) is recognised.
-- KEYS[1] fences   hash: job id -> highest token that claimed it
-- KEYS[2] done     set of committed job ids
-- KEYS[3] open     set of job ids still to run
-- KEYS[4] runs     list of "job:node:token", one entry per committed job
-- ARGV[1] job      the job id
-- ARGV[2] token    the committing lease's fencing token
-- ARGV[3] node     the committing node
-- Returns 1 committed, 0 refused (stale token), 2 already committed by this same token, 3 by another.
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 2 end
  return 3
end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('RPUSH', KEYS[4], ARGV[1] .. ':' .. ARGV[3] .. ':' .. ARGV[2])
return 1
