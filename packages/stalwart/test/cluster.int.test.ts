import { startCluster } from '@coordis/testkit';
import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { encodeBroadcast, followStalwart, type StalwartEvent, stalwartGreylist, stalwartLocks, stalwartRateLimits } from '../src/index.js';

// Stalwart supports a Redis Cluster as its in-memory store and coordinator
// (crates/store/src/backend/redis/mod.rs, crates/coordinator/src/backend/redis/pubsub.rs at
// d72608f): binary keys on any slot, plain SUBSCRIBE/PUBLISH for the broadcast.

describe('on a Redis Cluster', () => {
  it('counts, locks, greylists and follows the broadcast with a Cluster client', async () => {
    await using t = await startCluster({ masters: 3, replicasPerMaster: 0 });
    const cluster = new Cluster(t.seeds.map((s) => ({ host: s.host, port: s.port })));
    const publisher = new Cluster(t.seeds.map((s) => ({ host: s.host, port: s.port })));
    const seen: StalwartEvent[] = [];
    const follower = followStalwart({ client: cluster, handlers: { event: (e) => void seen.push(e) } });
    try {
      await follower.ready;
      const limits = stalwartRateLimits(cluster);
      const rate = { count: 2, periodS: 60 };
      const slots = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const subject = { ip: `2001:db8::${i.toString(16)}` };
        expect(await limits.hit('KV_RATE_LIMIT_HTTP_ANONYMOUS', subject, rate)).toMatchObject({ allowed: true, count: 1 });
        const peeked = await limits.peek('KV_RATE_LIMIT_HTTP_ANONYMOUS', subject, rate);
        expect(peeked).toMatchObject({ count: 1, allowed: true });
        slots.add(Number(await cluster.cluster('KEYSLOT', peeked.key)));
      }
      expect(slots.size).toBeGreaterThan(1);

      const lease = await stalwartLocks(cluster).task(5n).acquire();
      expect(await stalwartLocks(cluster).task(5n).tryAcquire()).toBeUndefined();
      expect(await lease.release()).toEqual({ released: true });

      const entry = { sender: 'a@example.org', rcpt: 'b@example.org' };
      expect(await stalwartGreylist(cluster).check(entry, 60)).toMatchObject({ greylisted: true });
      expect(await stalwartGreylist(cluster).check(entry, 60)).toMatchObject({ greylisted: false });

      await publisher.publish('stwt.agora', encodeBroadcast({ nodeId: 1, events: [{ type: 'queueRefresh' }] }));
      for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual([{ type: 'queueRefresh' }]);
    } finally {
      await follower.close();
      cluster.disconnect();
      publisher.disconnect();
    }
  });
});
