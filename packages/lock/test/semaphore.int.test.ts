import { randomUUID } from 'node:crypto';
import { topologyKinds } from '@coordis/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocks, type Lease, type Locks } from '../src/index.js';
import { deploy } from './support/topology.js';
import { sleep } from './support/until.js';

const name = () => `sem-${randomUUID()}`;

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let locks: Locks;
  beforeAll(() => {
    locks = createLocks(d.client);
  });
  afterAll(() => locks?.close());

  describe('Semaphore', () => {
    it('grants up to its limit at once and refuses one more', async () => {
      const sem = locks.semaphore(name(), 3);
      const leases = await Promise.all([sem.acquire(), sem.acquire(), sem.acquire()]);
      expect(new Set(leases.map((l) => l.ownerId)).size).toBe(3);
      expect(await sem.tryAcquire()).toBeUndefined();
      await leases[0]?.release();
      expect(await sem.tryAcquire()).toBeDefined();
    });

    it('issues every lease its own token, each higher than the one before', async () => {
      const sem = locks.semaphore(name(), 2);
      const tokens: number[] = [];
      let previous: Lease | undefined;
      for (let i = 0; i < 6; i++) {
        // Two leases overlap each time: the new one is granted while the previous still holds.
        const lease = await sem.acquire();
        tokens.push(lease.token);
        await previous?.release();
        previous = lease;
      }
      expect(tokens).toEqual([...new Set(tokens)].sort((a, b) => a - b));
    });

    it('wakes a waiter when one of the holders releases (the poll is off here)', async () => {
      const sem = locks.semaphore(name(), 2, { fallbackPollMs: 600_000, ttlMs: 600_000 });
      const [a] = await Promise.all([sem.acquire(), sem.acquire()]);
      const waiting = sem.acquire({ waitMs: 20_000 });
      await sleep(50);
      await a?.release();
      expect((await waiting).token).toBeGreaterThan(a?.token ?? 0);
    });

    it('frees the place of a lease that ran out', async () => {
      const sem = locks.semaphore(name(), 2, { fallbackPollMs: 600_000 });
      await sem.acquire({ ttlMs: 100 });
      await sem.acquire({ ttlMs: 600_000 });
      expect(await sem.tryAcquire()).toBeUndefined();
      expect(await sem.acquire({ waitMs: 20_000 })).toBeDefined();
    });

    it('counts leases by the server’s clock: a client whose clock runs an hour ahead takes no place of a live lease', async () => {
      const sem = locks.semaphore(name(), 1);
      await sem.acquire({ ttlMs: 60_000 });
      const now = Date.now();
      const skew = vi.spyOn(Date, 'now').mockImplementation(() => now + 3_600_000);
      try {
        expect(await sem.tryAcquire()).toBeUndefined();
      } finally {
        skew.mockRestore();
      }
    });

    it('runs using() with a place held and gives it back after', async () => {
      const sem = locks.semaphore(name(), 1);
      const inside = await sem.using(async () => sem.tryAcquire());
      expect(inside).toBeUndefined();
      expect(await sem.tryAcquire()).toBeDefined();
    });
  });
});
