import { randomUUID } from 'node:crypto';
import { topologyKinds } from '@coordis/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocks,
  isLockAbortedError,
  isLockKeyTypeError,
  isLockLostError,
  isLockReplicationError,
  isLockTimeoutError,
  type Locks,
} from '../src/index.js';
import { acquireLease } from '../src/lease-scripts.js';
import { releaseChannel } from '../src/release-notifier.js';
import { deploy } from './support/topology.js';
import { sleep, until } from './support/until.js';

const name = () => `lock-${randomUUID()}`;

/**
 * Resolves once someone subscribes to the lock's release channel (a waiter is asleep on it).
 * PUBSUB NUMSUB counts one node's subscribers only: on a Cluster, every node is asked.
 */
async function waiterListening(client: Redis | Cluster, key: string | Buffer): Promise<void> {
  await until(
    async () => {
      // Asked afresh each time: a slots refresh may replace the node connections.
      const nodes = client.isCluster ? (client as Cluster).nodes('all') : [client as Redis];
      const replies = await Promise.all(nodes.map((n) => n.call('PUBSUB', 'NUMSUB', releaseChannel(key)) as Promise<[unknown, number]>));
      return replies.some((r) => r[1] > 0);
    },
    // A Cluster subscriber connects and learns the slots first; on a loaded machine that takes seconds.
    20_000,
    'a waiter to subscribe',
  );
}

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let client: Redis | Cluster;
  let locks: Locks;
  beforeAll(() => {
    client = d.client;
    locks = createLocks(client);
  });
  afterAll(() => locks?.close());

  describe('Lock: one holder at a time', () => {
    it('refuses a second holder while the first holds it', async () => {
      const lock = locks.lock(name());
      const lease = await lock.acquire();
      expect(await lock.tryAcquire()).toBeUndefined();
      expect((await lease.release()).released).toBe(true);
      expect(await lock.tryAcquire()).toBeDefined();
    });

    it('releases only its own lease: a stale release leaves the next holder in place', async () => {
      const lock = locks.lock(name(), { ttlMs: 40 });
      const stale = await lock.acquire();
      await sleep(60);
      const next = await lock.acquire({ ttlMs: 30_000 });
      expect(await stale.release()).toEqual({ released: false, reason: 'not-owner' });
      expect(await lock.tryAcquire()).toBeUndefined();
      await next.release();
    });

    it('wakes waiters on a client with an ioredis keyPrefix (the poll is off here)', async () => {
      const prefixed = await d.connectAnother({ keyPrefix: 'tenant-a:' });
      const own = createLocks(prefixed, { fallbackPollMs: 600_000, ttlMs: 600_000 });
      try {
        const lock = own.lock(name());
        const holder = await lock.acquire();
        const waiting = lock.acquire({ waitMs: 20_000 });
        await sleep(50);
        await holder.release();
        expect((await waiting).token).toBeGreaterThan(holder.token);
        expect(await client.exists(`tenant-a:${String(lock.key)}`)).toBe(1);
      } finally {
        own.close();
        prefixed.disconnect();
      }
    });

    // A plain ioredis client cannot read a redis-sentinel:// URL; standalone and Cluster suffice.
    it.runIf(kind !== 'sentinel')('works on a plain ioredis client', async () => {
      const topology = d.topology;
      const plain = topology.kind === 'cluster' ? new Cluster([...topology.seeds]) : new Redis(topology.url);
      const own = createLocks(plain);
      try {
        const lock = own.lock(name());
        const lease = await lock.acquire();
        expect(await lock.tryAcquire()).toBeUndefined();
        expect(await lease.release()).toEqual({ released: true });
      } finally {
        own.close();
        plain.disconnect();
      }
    });

    it('releases the lease at the end of an `await using` block', async () => {
      const lock = locks.lock(name());
      {
        await using lease = await lock.acquire();
        expect(lease.token).toBeGreaterThan(0);
        expect(await lock.tryAcquire()).toBeUndefined();
      }
      expect(await lock.tryAcquire()).toBeDefined();
    });
  });

  describe('Lock: fencing tokens', () => {
    it('issues a higher token on every acquire, across releases and expiries', async () => {
      const lock = locks.lock(name(), { ttlMs: 30 });
      const tokens: number[] = [];
      for (let i = 0; i < 3; i++) {
        const lease = await lock.acquire();
        tokens.push(lease.token);
        await lease.release();
      }
      tokens.push((await lock.acquire()).token);
      await sleep(50); // the last lease runs out unreleased
      tokens.push((await lock.acquire()).token);
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
      for (const token of tokens) expect(Number.isSafeInteger(token)).toBe(true);
    });

    it('keeps tokens increasing when the lock key is deleted: the server clock takes over from the lost counter', async () => {
      const lock = locks.lock(name());
      const before = await lock.acquire();
      await client.del(lock.key);
      const after = await lock.acquire();
      expect(after.token).toBeGreaterThan(before.token);
    });

    it('keeps tokens increasing when the counter is ahead of the server clock (a clock stepped back)', async () => {
      const lock = locks.lock(name());
      await (await lock.acquire()).release();
      const ahead = 9_000_000_000_000_000; // µs in the year 2255: no clock reaches it
      await client.hset(lock.key, 'fence', String(ahead));
      const lease = await lock.acquire();
      expect(lease.token).toBe(ahead + 1);
    });

    it('gives an owner whose acquire is repeated (a lost reply resent) its own lease back, not a second one', async () => {
      const lock = locks.lock(name());
      const target = { client, key: lock.key, label: lock.label };
      const attempt = (owner: string) => acquireLease(target, owner, 30_000, 1, 600_000, (reply) => reply);
      const first = await attempt('owner-1');
      const again = await attempt('owner-1');
      expect(first).toMatchObject({ acquired: true });
      expect(again).toEqual(first);
      expect(await attempt('owner-2')).toMatchObject({ acquired: false });
    });

    it('keeps the fence with the lock key for the retention after the last lease, then lets the key expire', async () => {
      const lock = locks.lock(name(), { ttlMs: 1000, fenceRetentionMs: 5000 });
      await (await lock.acquire()).release();
      const pttl = await client.pttl(lock.key);
      expect(pttl).toBeGreaterThan(4000);
      expect(pttl).toBeLessThanOrEqual(6000);
      expect(await client.hget(lock.key, 'fence')).toMatch(/^\d+$/);
    });
  });

  describe('Lock: release and extend', () => {
    it('resolves the release of a lease that ran out with released: false and reason expired', async () => {
      const lock = locks.lock(name(), { ttlMs: 30 });
      const lease = await lock.acquire();
      await sleep(50);
      expect(await lease.release()).toEqual({ released: false, reason: 'expired' });
    });

    it('extends a live lease beyond its first TTL, keeping its token', async () => {
      const lock = locks.lock(name(), { ttlMs: 100 });
      const lease = await lock.acquire();
      expect(await lease.extend(10_000)).toEqual({ extended: true, ttlMs: 10_000 });
      await sleep(150);
      expect(await lock.tryAcquire()).toBeUndefined();
      expect(await lease.release()).toEqual({ released: true });
    });

    it('does not revive a lease that already ran out', async () => {
      const lock = locks.lock(name(), { ttlMs: 30 });
      const lease = await lock.acquire();
      await sleep(50);
      expect(await lease.extend(10_000)).toEqual({ extended: false, reason: 'expired' });
      expect(await lock.tryAcquire()).toBeDefined();
      expect(await lease.extend(10_000)).toEqual({ extended: false, reason: 'not-owner' });
    });

    it('refuses a key that holds something else (such as a lock in Stalwart’s format) with LockKeyTypeError', async () => {
      const key = `foreign:${randomUUID()}`;
      await client.set(key, '1767225600');
      const error = await locks
        .lockAtKey(key)
        .acquire()
        .catch((e: unknown) => e);
      expect(isLockKeyTypeError(error)).toBe(true);
      expect(await client.get(key)).toBe('1767225600');
    });
  });

  describe('Lock: waiting', () => {
    it('wakes a waiter on release, not at its next poll (the poll is off here)', async () => {
      const lock = locks.lock(name(), { fallbackPollMs: 600_000, ttlMs: 600_000 });
      const holder = await lock.acquire();
      const waiting = lock.acquire({ waitMs: 20_000 });
      await waiterListening(client, lock.key);
      await holder.release();
      const next = await waiting;
      expect(next.token).toBeGreaterThan(holder.token);
    });

    it('wakes a waiter when the holder’s lease runs out without a release', async () => {
      const lock = locks.lock(name(), { fallbackPollMs: 600_000 });
      const holder = await lock.acquire({ ttlMs: 200 });
      const next = await lock.acquire({ waitMs: 20_000 });
      expect(next.token).toBeGreaterThan(holder.token);
    });

    it('hands the lock to every waiter in turn, one at a time', async () => {
      const lock = locks.lock(name(), { fallbackPollMs: 600_000 });
      let inside = 0;
      let most = 0;
      const tokens: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const lease = await lock.acquire({ waitMs: 20_000 });
          inside++;
          most = Math.max(most, inside);
          tokens.push(lease.token);
          await sleep(1);
          inside--;
          await lease.release();
        }),
      );
      expect(most).toBe(1);
      expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    });

    it('rejects with LockTimeoutError when the lock stays taken for the whole wait', async () => {
      const lock = locks.lock(name());
      await lock.acquire();
      const error = await lock.acquire({ waitMs: 100 }).catch((e: unknown) => e);
      expect(isLockTimeoutError(error)).toBe(true);
    });

    it('rejects at once when the signal is already aborted, with its reason', async () => {
      const reason = new Error('shutting down');
      const error = await locks
        .lock(name())
        .acquire({ signal: AbortSignal.abort(reason) })
        .catch((e: unknown) => e);
      expect(isLockAbortedError(error)).toBe(true);
      expect((error as { reason: unknown }).reason).toBe(reason);
    });
  });

  describe('Lock: using()', () => {
    it('renews the lease while fn runs past the TTL', async () => {
      const lock = locks.lock(name(), { ttlMs: 300 });
      const result = await lock.using(async (signal, lease) => {
        await sleep(1000);
        expect(await lock.tryAcquire()).toBeUndefined();
        return { aborted: signal.aborted, token: lease.token };
      });
      expect(result.aborted).toBe(false);
      expect(await lock.tryAcquire()).toBeDefined();
    });

    it('renews a lease given a shorter TTL for one call at a third of that TTL', async () => {
      const lock = locks.lock(name(), { ttlMs: 60_000 });
      const aborted = await lock.using(
        async (signal) => {
          await sleep(700);
          return signal.aborted;
        },
        { ttlMs: 200 },
      );
      expect(aborted).toBe(false);
    });

    it('fires fn’s signal with LockLostError when the lease is lost, and rejects with it', async () => {
      const lock = locks.lock(name(), { ttlMs: 300 });
      let reason: unknown;
      const error = await lock
        .using(async (signal) => {
          await client.del(lock.key); // the data is gone, as after a failover to a replica without it
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
          reason = signal.reason;
        })
        .catch((e: unknown) => e);
      expect(isLockLostError(reason)).toBe(true);
      expect((reason as { reason: string }).reason).toBe('not-owner');
      expect(isLockLostError(error)).toBe(true);
    });

    it('rejects with LockLostError when fn blocked the process past the lease’s end', async () => {
      const lock = locks.lock(name(), { ttlMs: 200 });
      const error = await lock
        .using(() => {
          const until = performance.now() + 400;
          while (performance.now() < until) {
            // a synchronous stall: no renewal can run
          }
          return 'done';
        })
        .catch((e: unknown) => e);
      expect(isLockLostError(error)).toBe(true);
    });

    it('passes the caller’s abort on to fn’s signal', async () => {
      const controller = new AbortController();
      const reason = new Error('request cancelled');
      const seen = await locks.lock(name()).using(
        async (signal) => {
          controller.abort(reason);
          return signal.reason;
        },
        { signal: controller.signal },
      );
      expect(seen).toBe(reason);
    });
  });

  describe('Lock: durable acquire (WAIT)', () => {
    it('refuses a lease fewer replicas acknowledged than asked, with LockReplicationError, and leaves the lock free', async () => {
      const id = name();
      // One more replica than the topology has (none standalone, one per primary otherwise).
      const replicas = kind === 'standalone' ? 1 : 2;
      const error = await locks
        .lock(id, { durable: { replicas, timeoutMs: 50 } })
        .acquire()
        .catch((e: unknown) => e);
      expect(isLockReplicationError(error)).toBe(true);
      expect((error as { acknowledged: number }).acknowledged).toBeLessThan(replicas);
      expect(await locks.lock(id).tryAcquire()).toBeDefined();
    });
  });
});
