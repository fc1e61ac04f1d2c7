-- A worker holding a job's lock claims the job for its fencing token: the job's resource
-- remembers the highest token that ever claimed it and refuses older ones, so a worker whose
-- lock expired (a pause, a failover) can no longer act on the job.
-- KEYS[1] fences   hash: job id -> highest token that claimed it
-- KEYS[2] done     set of committed job ids
-- ARGV[1] job      the job id
-- ARGV[2] token    the claiming lease's fencing token
-- Returns 1 claimed, 0 refused (a newer token claimed it), 2 already done.
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 2 end
local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) < last then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
