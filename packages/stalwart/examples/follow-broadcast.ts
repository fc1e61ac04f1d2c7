// Follows a Stalwart cluster's broadcast (the `stwt.agora` channel on the Redis its coordinator
// uses) and prints what happens: state changes, blocked IPs, certificates, cache and queue
// commands, and any message that is not a valid batch.
//
//   REDIS_URL=redis://127.0.0.1:6379 node --import tsx examples/follow-broadcast.ts
//   … --replay        publish the fixture batches derived from Stalwart's source, print, exit
//   … --seconds 30    stop after 30 s (default: run until Ctrl-C)
import { connect } from '@coordis/client';
import { Redis } from 'ioredis';
// From the package's own source, not '@coordis/stalwart': its typecheck must not wait for its
// build (examples/stalwart-broadcast is the same follower as a user's project imports it).
import { dataTypeNames, followStalwart, type StalwartEvent } from '../src/index.js';
import { BROADCAST_FIXTURES, INVALID_BROADCAST_FIXTURES } from '../test/fixtures/stalwart-fixtures.js';

const args = process.argv.slice(2);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const replay = args.includes('--replay');
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : undefined;

function describe(e: StalwartEvent): string {
  switch (e.type) {
    case 'stateChange':
      return `state change in account ${e.accountId}: ${dataTypeNames(e.types).join(', ') || 'no known type'} (change ${e.changeId})`;
    case 'calendarAlert':
      return `calendar alert for account ${e.accountId}, event ${e.eventId} ${JSON.stringify(e.uid)}`;
    case 'emailPush':
      return `new mail to push: account ${e.accountId}, email ${e.emailId}`;
    case 'pushServerUpdate':
      return `push subscriptions of account ${e.accountId} changed`;
    case 'registryInsert':
    case 'registryDelete':
      return `registry ${e.type === 'registryInsert' ? 'insert' : 'delete'}: ${e.object} ${e.id}`;
    case 'registryReload':
      return `reload every ${e.object}`;
    case 'cacheInvalidate':
      return `drop ${e.items.length} cache entr${e.items.length === 1 ? 'y' : 'ies'}: ${e.items.map((i) => i.kind).join(', ')}`;
    case 'cacheInvalidateAll':
      return 'drop all caches';
    case 'cacheInvalidateNegative':
      return 'drop negative caches';
    case 'mtaQueueStatus':
      return e.running ? 'outbound queue resumed' : 'outbound queue paused';
    case 'queueRefresh':
      return 'outbound queue refresh';
  }
}

const client = await connect(url);
const follower = followStalwart({
  client,
  handlers: {
    blockedIp: (c, m) => console.log(`node ${m.nodeId}: IP ${c.change === 'insert' ? 'blocked' : 'unblocked'} (BlockedIp ${c.id})`),
    certificate: (c, m) => console.log(`node ${m.nodeId}: certificate ${c.change}${c.id === undefined ? '' : ` (Certificate ${c.id})`}`),
    // Registry events of blocked IPs and certificates are printed by the two handlers above.
    event: (e, m) => {
      if ('object' in e && (e.object === 'BlockedIp' || e.object === 'Certificate')) return;
      console.log(`node ${m.nodeId}: ${describe(e)}`);
    },
  },
});
follower.events.on('invalid', (i) =>
  console.log(
    `invalid batch${i.nodeId === undefined ? '' : ` from node ${i.nodeId}`}: ${i.reason} at byte ${i.offset} (${i.detail}); ${i.delivered} event(s) before it delivered`,
  ),
);
follower.events.on('gap', (g) => console.log(`gap: the subscription was down for ${g.to - g.from} ms`));
follower.events.on('error', (e) => console.log(`connection: ${e.message}`));
await follower.ready;
console.log(`following ${follower.channel} on ${url.replace(/\/\/[^@]*@/, '//')}`);

async function stop(): Promise<void> {
  const s = follower.stats();
  console.log(`followed ${s.batches} batches: ${s.events} events, ${s.invalid} invalid`);
  await follower.close();
  client.disconnect();
}

if (replay) {
  // Publishes as a Stalwart node does: raw bytes on the channel, from a plain connection.
  const stalwart = new Redis(url);
  const batches = [...BROADCAST_FIXTURES, ...INVALID_BROADCAST_FIXTURES].map((f) => Buffer.from(f.hex, 'hex'));
  for (const batch of batches) await stalwart.publish(follower.channel, batch);
  stalwart.disconnect();
  const deadline = Date.now() + 10_000;
  while (follower.stats().batches < batches.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await stop();
} else {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    if (seconds !== undefined) setTimeout(resolve, seconds * 1000);
  });
  await stop();
}
