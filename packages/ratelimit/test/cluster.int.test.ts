import { createKeyspace } from '@coordis/keyspace';
import { type ClusterTopology, startCluster } from '@coordis/testkit';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimits, isCrossSlotError, keySlot, type RateLimits } from '../src/index.js';

let c: ClusterTopology;
let cluster: Cluster;
let n = 0;

beforeAll(async () => {
  c = await startCluster({ masters: 3, replicasPerMaster: 0 });
  cluster = new Cluster(c.seeds.map(({ host, port }) => ({ host, port })));
  await cluster.ping();
});

afterAll(async () => {
  await cluster.quit();
  await c.stop();
});

function limits(): RateLimits {
  return createRateLimits(cluster, { keyspace: createKeyspace({ app: `cl${++n}` }), blockCache: false });
}

describe('on a Redis Cluster', () => {
  it('agrees with CLUSTER KEYSLOT on the slot of limiter keys', async () => {
    const g = limits().gcra({ name: 'g', limit: 1, periodMs: 1000 });
    for (const id of ['192.0.2.1', 'alice', '{x}', 'ünï']) {
      const key = g.request(id).entry(0).key;
      expect(keySlot(key)).toBe(Number(await cluster.cluster('KEYSLOT', key)));
    }
  });

  it('checks keys spread over every master concurrently, exactly per key', async () => {
    const g = limits().gcra({ name: 'g', limit: 2, periodMs: 3_600_000 });
    const ids = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    expect(new Set(ids.map((id) => keySlot(g.request(id).entry(0).key))).size).toBe(30);
    const results = await Promise.all(ids.flatMap((id) => [g.check(id), g.check(id), g.check(id)]));
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
  });

  it('checks limiters of one family together in one slot, all-or-nothing', async () => {
    const rl = limits();
    const ip = rl.gcra({ name: 'ip', limit: 5, periodMs: 3_600_000 });
    const account = rl.fixedWindow({ name: 'acct', limit: 1, periodMs: 3_600_000 });
    const group = () => [ip.request({ family: 'tenant-7', id: '192.0.2.1' }), account.request({ family: 'tenant-7', id: 'alice' })];
    expect((await rl.checkAll(group())).allowed).toBe(true);
    expect((await rl.checkAll(group())).allowed).toBe(false);
    expect((await ip.peek({ family: 'tenant-7', id: '192.0.2.1' }, { cost: 0 })).remaining).toBe(4);
  });

  it('refuses limiters of two families with CrossSlotError, taking nothing', async () => {
    const rl = limits();
    const ip = rl.gcra({ name: 'ip', limit: 5, periodMs: 3_600_000 });
    const account = rl.gcra({ name: 'acct', limit: 5, periodMs: 3_600_000 });
    const requests = [ip.request('192.0.2.1'), account.request('alice')];
    expect(keySlot(requests[0]?.entry(0).key ?? '')).not.toBe(keySlot(requests[1]?.entry(0).key ?? ''));
    await expect(rl.checkAll(requests)).rejects.toSatisfy(isCrossSlotError);
    expect((await ip.peek('192.0.2.1', { cost: 0 })).remaining).toBe(5);
  });

  it('runs fail2ban with its index per shard, each shard in its own slot', async () => {
    const f = limits().fail2ban({ name: 'auth', maxFailures: 2, findWindowMs: 60_000, banMs: 60_000, shards: 8 });
    const ids = Array.from({ length: 12 }, (_, i) => `198.51.100.${i}`);
    for (const id of ids) {
      await f.fail(id);
      expect((await f.fail(id)).justBlocked).toBe(true);
    }
    expect((await f.blocked()).map((b) => b.id).sort()).toEqual([...ids].sort());
    expect(await f.unblock('198.51.100.3')).toBe(true);
    expect(await f.blocked()).toHaveLength(11);
  });

  it("limits with Stalwart's presets, whose keys carry no hash tag", async () => {
    const auth = limits().stalwart.KV_RATE_LIMIT_AUTH({ limit: 2, periodMs: 60_000 });
    const results = await Promise.all(Array.from({ length: 3 }, () => auth.check({ subject: { ip: '192.0.2.7' } })));
    expect(results.map((r) => r.allowed).sort()).toEqual([false, true, true]);
  });
});
