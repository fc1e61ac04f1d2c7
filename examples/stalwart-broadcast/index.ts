// Follow a Stalwart mail cluster's broadcast (its `stwt.agora` channel) from a Node service
// and react to what happens there: state changes, blocked IPs, certificates. With --replay it
// first publishes a few batches, byte for byte as Stalwart nodes send them, so it runs against
// any Redis (the demo's, say) without a Stalwart cluster.
// Run: REDIS_URL=redis://127.0.0.1:6379 pnpm start -- --replay
import { connect } from '@coordis/client';
import { dataTypeNames, encodeBroadcast, followStalwart } from '@coordis/stalwart';

const redis = await connect(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const follower = followStalwart({
  client: redis,
  handlers: {
    stateChange: (e, meta) => console.log(`node ${meta.nodeId}: account ${e.accountId} changed ${dataTypeNames(e.types).join(', ')}`),
    blockedIp: (c) => console.log(`blocked IP ${c.change === 'insert' ? 'added' : 'removed'} (registry id ${c.id})`),
    certificate: (c) => console.log(`certificate ${c.change}${c.id === undefined ? '' : ` (registry id ${c.id})`}`),
  },
});
follower.events.on('invalid', (i) =>
  console.log(`invalid batch (${i.reason} at byte ${i.offset}); ${i.delivered} events before it were delivered`),
);
await follower.ready;

if (process.argv.includes('--replay')) {
  const batches = [
    encodeBroadcast({ nodeId: 3, events: [{ type: 'stateChange', accountId: 42, changeId: 7n, types: 0b101n }] }),
    encodeBroadcast({
      nodeId: 5,
      events: [
        { type: 'registryInsert', object: 'BlockedIp', id: 1001n },
        { type: 'registryInsert', object: 'Certificate', id: 9n },
      ],
    }),
    Buffer.from([0x03, 0x63]), // node 3, then tag 99: no such event
  ];
  for (const b of batches) await redis.publish('stwt.agora', b);
  await new Promise((r) => setTimeout(r, 300));
  await follower.close();
  await redis.quit();
}
