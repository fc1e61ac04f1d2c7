import { type CoordisClient, connect } from '@coordis/client';
import { createKeyspace, createShardedStore } from '@coordis/keyspace';
import { createLocks } from '@coordis/lock';
import { createRateLimits } from '@coordis/ratelimit';
import { type StandaloneTopology, startStandalone } from '@coordis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STORES = 4;
let servers: StandaloneTopology[] = [];
let clients: CoordisClient[] = [];

beforeAll(async () => {
  servers = await Promise.all(Array.from({ length: STORES + 1 }, () => startStandalone()));
  clients = await Promise.all(servers.map((s) => connect(s.url)));
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(servers.map((s) => s.stop()));
});

/** Every key on each store (small test data sets only). */
function keysPerStore(stores: readonly CoordisClient[]): Promise<string[][]> {
  return Promise.all(stores.map((c) => c.keys('*')));
}

describe('a sharded store of 4 standalone servers', () => {
  it('spreads 20 000 keys within 10% of even', () => {
    const sharded = createShardedStore(clients.slice(0, STORES));
    const counts = new Array<number>(STORES).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const at = sharded.indexOf(`user:${i}:session`);
      counts[at] = (counts[at] ?? 0) + 1;
    }
    const even = 20_000 / STORES;
    console.info(`sharded store spread over ${STORES}: ${counts.join(', ')}`);
    for (const n of counts) expect(Math.abs(n - even) / even).toBeLessThan(0.1);
  });

  it("routes every key of a lock to one store, the one of the lock's hash tag", async () => {
    const stores = clients.slice(0, STORES);
    await Promise.all(stores.map((c) => c.flushall()));
    const sharded = createShardedStore(stores);
    const locks = sharded.perStore((c) => createLocks(c));
    try {
      for (const name of ['ledger', 'mailbox', 'report', 'invoices', 'exports', 'billing']) {
        const key = locks.all[0]?.lock(name).key as string;
        const lease = await locks.for(key).lock(name).acquire();
        expect(await locks.for(key).lock(name).tryAcquire()).toBeUndefined();
        expect(await lease.release()).toEqual({ released: true });
      }
      const keys = await keysPerStore(stores);
      for (const [i, list] of keys.entries()) for (const k of list) expect(sharded.indexOf(k), `${k} on store ${i}`).toBe(i);
      expect(keys.flat().length).toBeGreaterThanOrEqual(6);
    } finally {
      for (const l of locks.all) l.close();
    }
  });

  it("routes a multi-limiter check's keys, of one family, to one store", async () => {
    const stores = clients.slice(0, STORES);
    await Promise.all(stores.map((c) => c.flushall()));
    const sharded = createShardedStore(stores);
    const ks = createKeyspace({ app: 'shard' });
    const limits = sharded.perStore((c) => {
      const rl = createRateLimits(c, { keyspace: ks, blockCache: false });
      return {
        rl,
        ip: rl.gcra({ name: 'ip', limit: 10, periodMs: 60_000 }),
        account: rl.fixedWindow({ name: 'account', limit: 5, periodMs: 60_000 }),
      };
    });
    for (const family of ['alice', 'bob', 'carol', 'dave', 'erin']) {
      const key = String(limits.all[0]?.ip.request({ family, id: '10.0.0.1' }).entry(0).key);
      const route = limits.for(key);
      let allowed = 0;
      for (let i = 0; i < 7; i++) {
        const r = await route.rl.checkAll([route.ip.request({ family, id: '10.0.0.1' }), route.account.request({ family, id: family })]);
        if (r.allowed) allowed++;
      }
      expect(allowed).toBe(5);
    }
    const keys = await keysPerStore(stores);
    for (const [i, list] of keys.entries()) for (const k of list) expect(sharded.indexOf(k), `${k} on store ${i}`).toBe(i);
    expect(keys.flat().length).toBe(10);
  });

  it('moves most keys when a fifth store is added, so a lock held before is not seen after: resize as a migration', async () => {
    const four = createShardedStore(clients.slice(0, STORES));
    const five = createShardedStore(clients.slice(0, STORES + 1));
    let moved = 0;
    for (let i = 0; i < 20_000; i++) if (four.indexOf(`k:${i}`) !== five.indexOf(`k:${i}`)) moved++;
    console.info(`sharded store 4 → 5 stores: ${moved} of 20000 keys change store`);
    // Modulo hashing keeps a key only where both counts agree on it: about 1 in 5 here.
    expect(moved / 20_000).toBeGreaterThan(0.7);

    const before = four.perStore((c) => createLocks(c));
    const after = five.perStore((c) => createLocks(c));
    try {
      const name = Array.from({ length: 100 }, (_, i) => `job-${i}`).find((n) => {
        const key = before.all[0]?.lock(n).key as string;
        return four.indexOf(key) !== five.indexOf(key);
      }) as string;
      const key = before.all[0]?.lock(name).key as string;
      const held = await before.for(key).lock(name).acquire();
      // The five-store router looks on another store, where the lock is free.
      const second = await after.for(key).lock(name).tryAcquire();
      expect(second).toBeDefined();
      await second?.release();
      await held.release();
    } finally {
      for (const l of [...before.all, ...after.all]) l.close();
    }
  });
});
