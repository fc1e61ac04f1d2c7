// Connect through Sentinel with one URL, and see a failover as a typed event.
// Run: REDIS_URL='redis-sentinel://127.0.0.1:26379/?name=mymaster' pnpm start
import { connect, isDurabilityError, isUnknownOutcomeError } from '@coordis/client';

const url = process.env.REDIS_URL ?? 'redis-sentinel://127.0.0.1:26379/?name=mymaster';
const redis = await connect(url, {
  // Every write is confirmed by one replica (WAIT): a failover cannot lose it.
  durable: { replicas: 1, timeoutMs: 1000 },
});

redis.events.on('failover', (e) => {
  console.log(
    `failover: ${e.from} -> ${e.to} (detected by ${e.detectedBy}, first write after ${Math.round(e.msToFirstWrite ?? e.msToSwitch)} ms)`,
  );
});

console.log(`connected to the primary at ${redis.address}`);
const seconds = Number(process.env.RUN_SECONDS ?? 5);
const until = Date.now() + seconds * 1000;
let written = 0;
let unknown = 0;
let unconfirmed = 0;
while (Date.now() < until) {
  try {
    await redis.incr('example:counter');
    written++;
  } catch (e) {
    // Under the default 'safe' policy a write cut off mid-flight is never sent twice: it says so.
    if (isUnknownOutcomeError(e)) unknown++;
    // Applied on the new primary before its replicas were back (they re-attach after the
    // promotion): not yet safe from another failover, and reported as such.
    else if (isDurabilityError(e)) unconfirmed++;
    else throw e;
  }
}
console.log(
  `acknowledged ${written} increments (${unknown} with an unknown outcome, ${unconfirmed} not confirmed by a replica in time), counter is ${await redis.get('example:counter')}`,
);
await redis.quit();
