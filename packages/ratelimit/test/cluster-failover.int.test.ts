import { connectCluster } from '@coordis/client';
import { createKeyspace } from '@coordis/keyspace';
import { type RedisNode, startCluster } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import { createRateLimits } from '../src/index.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('a Cluster master SIGKILLed under continuous checks', () => {
  it('moves to the promoted replica, keeps every check answered after the kill, and admits exactly the limit after it', async () => {
    await using t = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const client = await connectCluster(t.url);
    try {
      const rl = createRateLimits(client, {
        keyspace: createKeyspace({ app: 'cfo' }),
        onUnavailable: 'open',
        deadlineMs: 200,
        blockCache: false,
      });
      const f = rl.fixedWindow({ name: 'f', limit: 1_000_000, periodMs: 86_400_000 });
      const key = String(f.request('k').entry(0).key);
      const slot = Number(await client.cluster('KEYSLOT', key));
      const owner = (await t.view()).find((l) => l.role === 'master' && l.slots.some(([a, b]) => a <= slot && slot <= b));
      const victim = t.nodes.find((n) => n.port === owner?.port) as RedisNode;

      const tally = { redis: 0, fallback: 0 };
      let running = true;
      const loops = Array.from({ length: 16 }, async () => {
        while (running) {
          const r = await f.check('k');
          tally[r.source === 'redis' ? 'redis' : 'fallback']++;
          if (r.source !== 'redis') await sleep(10);
        }
      });
      while (tally.redis < 500) await sleep(20);
      await victim.kill();
      const atKill = tally.redis;
      await t.waitForHealthy();
      const atPromotion = tally.redis;
      while (tally.redis < atPromotion + 500) await sleep(20);
      running = false;
      await Promise.all(loops);

      const now = Number((await client.time())[0]) * 1000;
      const held = Number((await client.get(String(f.request('k').entry(now).key))) ?? 0);
      console.info(
        `cluster rate-limit failover: ${tally.redis} checks answered by Redis (${atKill} before the kill, ${tally.redis - atPromotion} after the promotion), ${tally.fallback} by the 'open' policy; the promoted replica holds ${held}`,
      );
      // Replication is asynchronous: the promoted replica may lack the last counts of the old
      // master, but it holds every check answered after the kill. Unlike a CoordisClient, whose
      // checks are dropped unsent past their deadline, ioredis Cluster keeps a late check and
      // retries it after the promotion: a check the policy answered may still be counted, so the
      // count can run high by those (fewer admissions, never more), and by those in flight.
      expect(held).toBeGreaterThanOrEqual(tally.redis - atKill);
      expect(held).toBeLessThanOrEqual(tally.redis + tally.fallback + 16);

      // The limiter exactness on the promoted replica: 32 clients racing, exactly the limit admitted.
      const exact = rl.fixedWindow({ name: 'exact', limit: 50, periodMs: 3_600_000 });
      const exactKey = String(exact.request('hot').entry(0).key);
      expect(Number(await client.cluster('KEYSLOT', exactKey))).toBeGreaterThanOrEqual(0);
      const results = await Promise.all(Array.from({ length: 400 }, () => exact.check('hot')));
      expect(results.every((r) => r.source === 'redis')).toBe(true);
      expect(results.filter((r) => r.allowed)).toHaveLength(50);
    } finally {
      client.disconnect();
    }
  }, 90_000);
});
