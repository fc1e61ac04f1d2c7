import { connectCluster } from '@coordis/client';
import { createKeyspace } from '@coordis/keyspace';
import { type RedisNode, startCluster } from '@coordis/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createRateLimits } from '../src/index.js';
import { checkLoad } from './support/check-load.js';
import { killFixtures, runFixture } from './support/spawn-node.js';

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

      const load = checkLoad(() => f.check('k'), 10);
      const tally = load.tally;
      while (tally.redis < 500) await sleep(20);
      await victim.kill();
      const atKill = tally.redis;
      await t.waitForHealthy();
      const atPromotion = tally.redis;
      while (tally.redis < atPromotion + 500) await sleep(20);
      await load.stop();

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

describe('the exactness hammer across a Cluster master SIGKILL', () => {
  afterAll(() => killFixtures());

  it('admits at most the limit in every one-second window outside the failover, and exactly it once the replica is promoted', async () => {
    await using t = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const client = await connectCluster(t.url);
    try {
      const app = 'cfx';
      const rl = createRateLimits(client, { keyspace: createKeyspace({ app }), blockCache: false });
      const key = String(rl.fixedWindow({ name: 'fixed', limit: 50, periodMs: 1000 }).request('hot').entry(0).key);
      const slot = Number(await client.cluster('KEYSLOT', key));
      const owner = (await t.view()).find((l) => l.role === 'master' && l.slots.some(([a, b]) => a <= slot && slot <= b));
      const victim = t.nodes.find((n) => n.port === owner?.port) as RedisNode;

      // Two processes of 16 Cluster clients hammer the 'fixed' scenario (50 per one-second
      // window) for 12 s; the master of its key is killed 3 s in.
      const startAt = Math.ceil((Date.now() + 6000) / 1000) * 1000;
      const stopAt = startAt + 12_000;
      const plan = [{ name: 'fixed', startAt, stopAt }];
      const runs = Array.from({ length: 2 }, () => runFixture('hammer', { url: t.url, app, clients: 16, scenarios: plan }, 90_000));
      await sleep(Math.max(0, startAt + 3000 - Date.now()));
      const killedAt = Date.now();
      await victim.kill();
      await t.waitForHealthy();
      const promotedAt = Date.now();
      const outputs = (await Promise.all(runs)).flat() as {
        admitted: Record<string, number>;
        bySource: Record<string, number>;
        windowMismatches: number;
      }[];

      const perWindow = new Map<number, number>();
      for (const o of outputs)
        for (const [w, n] of Object.entries(o.admitted)) perWindow.set(Number(w), (perWindow.get(Number(w)) ?? 0) + n);
      // Windows the failover touched: from the one before the kill to the one of the promotion.
      const touched = (w: number) => w >= Math.floor(killedAt / 1000) - 1 && w <= Math.floor(promotedAt / 1000);
      const report = [...perWindow.entries()]
        .sort(([a], [b]) => a - b)
        .map(([w, n]) => `${w - Math.floor(startAt / 1000)}:${n}${touched(w) ? '*' : ''}`);
      console.info(
        `cluster hammer across a SIGKILL (window:admitted, * = touched by the failover): ${report.join(' ')}; sources ${JSON.stringify(outputs.map((o) => o.bySource))}, window mismatches retried ${outputs.reduce((n, o) => n + o.windowMismatches, 0)}`,
      );

      for (const [w, n] of perWindow) if (!touched(w)) expect(n, `window ${w}`).toBeLessThanOrEqual(50);
      // Whole windows after the promotion and before the end admit exactly the limit.
      const after = [...perWindow.keys()].filter((w) => w > Math.floor(promotedAt / 1000) && w < Math.floor(stopAt / 1000) - 1);
      expect(after.length).toBeGreaterThan(0);
      for (const w of after) expect(perWindow.get(w), `window ${w} after the promotion`).toBe(50);
    } finally {
      client.disconnect();
    }
  }, 120_000);
});
