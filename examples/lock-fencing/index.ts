// Two workers want the same job; a lock with a fencing token lets exactly one act on it, and
// the resource itself refuses a worker whose lock ran out (a GC pause, a network stall).
// Run: REDIS_URL=redis://127.0.0.1:6379 pnpm start
import { connect } from '@coordis/client';
import { createLocks } from '@coordis/lock';

const redis = await connect(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const locks = createLocks(redis);
const job = locks.lock(`invoice-run-${process.pid}`, { ttlMs: 300 });

// The guarded resource keeps the highest token it has seen and refuses anything older.
let highest = 0;
const write = (who: string, token: number) => {
  if (token < highest) return console.log(`resource: refused ${who} (token ${token} < ${highest})`);
  highest = token;
  console.log(`resource: accepted ${who} (token ${token})`);
};

const first = await job.acquire();
console.log(`worker A holds the lock, token ${first.token}`);
await new Promise((r) => setTimeout(r, 400)); // A stalls past its 300 ms lease…
const second = await job.acquire({ waitMs: 1000 }); // …so B gets the lock
console.log(`worker B holds the lock, token ${second.token}`);
write('worker B', second.token);
write('worker A', first.token); // A wakes up and tries to write: fenced off
console.log(`A releases: ${JSON.stringify(await first.release())}`); // a result saying it no longer held it, not an exception

// using(): renewed while the work runs, released after it, even when it throws.
const total = await locks.lock(`report-${process.pid}`).using(async (signal, lease) => {
  write('report job', lease.token);
  return signal.aborted ? 0 : 42;
});
console.log(`using() returned ${total}`);
await second.release();
locks.close();
await redis.quit();
