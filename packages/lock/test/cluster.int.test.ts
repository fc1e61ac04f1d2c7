import { startCluster } from '@coordis/testkit';
import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLocks } from '../src/index.js';

describe('locks on Redis Cluster', () => {
  it('acquires, wakes waiters and releases locks whose keys live on different slots and nodes', async () => {
    await using t = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const cluster = new Cluster(t.seeds.map((s) => ({ host: s.host, port: s.port })));
    const locks = createLocks(cluster, { fallbackPollMs: 600_000 });
    try {
      const names = Array.from({ length: 12 }, (_, i) => `job-${i}`);
      const slots = new Set<number>();
      const nodes = new Set<string>();
      for (const n of names) {
        const key = locks.lock(n).key;
        const slot = Number(await cluster.cluster('KEYSLOT', key));
        slots.add(slot);
        const owner = cluster.slots[slot]?.[0];
        if (owner) nodes.add(owner);
      }
      expect(slots.size).toBe(names.length);
      expect(nodes.size).toBe(3);

      for (const n of names) {
        const lock = locks.lock(n);
        const lease = await lock.acquire();
        expect(await lock.tryAcquire()).toBeUndefined();
        // A waiter on another slot's lock is woken by the release (the poll is off here).
        const waiting = lock.acquire({ waitMs: 20_000 });
        await new Promise((r) => setTimeout(r, 20));
        expect(await lease.release()).toEqual({ released: true });
        const next = await waiting;
        expect(next.token).toBeGreaterThan(lease.token);
        expect(await next.extend()).toMatchObject({ extended: true });
        expect(await next.release()).toEqual({ released: true });
      }

      // A durable acquire sends WAIT in one pipeline with the script, so it reaches the node of the key's slot.
      for (const n of names.slice(0, 3)) {
        const lease = await locks.lock(n, { durable: { replicas: 1, timeoutMs: 5000 } }).acquire();
        expect(await lease.release()).toEqual({ released: true });
      }

      const sem = locks.semaphore('uploads', 2);
      const [a, b] = await Promise.all([sem.acquire(), sem.acquire()]);
      expect(await sem.tryAcquire()).toBeUndefined();
      await a?.release();
      await b?.release();
    } finally {
      locks.close();
      cluster.disconnect();
    }
  }, 60_000);
});
