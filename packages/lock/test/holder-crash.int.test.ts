import { randomUUID } from 'node:crypto';
import { topologyKinds } from '@coordis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocks, isLockAbortedError, type Locks } from '../src/index.js';
import { spawnFixture } from './support/spawn-fixture.js';
import { deploy } from './support/topology.js';

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let locks: Locks;
  beforeAll(() => {
    // The fallback poll is off: what wakes the waiters below is the expiry the server reports.
    locks = createLocks(d.client, { fallbackPollMs: 600_000 });
  });
  afterAll(() => locks?.close());

  describe('a holder process SIGKILLed while it holds the lock', () => {
    for (const mode of ['acquire', 'using'] as const) {
      it(`frees the lock once the lease of the dead holder runs out (held with ${mode}())`, async () => {
        const name = `crash-${mode}-${randomUUID()}`;
        const holder = spawnFixture('holder', [d.topology.url, name, mode, '1500']);
        try {
          const { token } = JSON.parse(await holder.line()) as { token: number };
          await holder.kill();
          const lock = locks.lock(name);
          // Still held right after the crash: the dead holder's lease has not run out yet.
          expect(await lock.tryAcquire()).toBeUndefined();
          const next = await lock.acquire({ waitMs: 20_000 });
          expect(next.token).toBeGreaterThan(token);
          await next.release();
        } finally {
          await holder.kill();
        }
      });
    }
  });

  describe('using() when fn throws', () => {
    it('releases the lock and rejects with fn’s error', async () => {
      const lock = locks.lock(`throws-${randomUUID()}`);
      const boom = new Error('boom');
      const error = await lock
        .using(async () => {
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(error).toBe(boom);
      const lease = await lock.tryAcquire();
      expect(lease).toBeDefined();
    });
  });

  describe('an aborted acquire', () => {
    it('rejects as soon as the signal fires, with its reason, though the lock is held for minutes', async () => {
      const lock = locks.lock(`abort-${randomUUID()}`, { ttlMs: 600_000 });
      await lock.acquire();
      const controller = new AbortController();
      const reason = new Error('client went away');
      const waiting = lock.acquire({ waitMs: 600_000, signal: controller.signal }).catch((e: unknown) => e);
      setTimeout(() => controller.abort(reason), 50);
      // With the poll off and a 10-minute lease, only the abort can end this wait within the test's timeout.
      const error = await waiting;
      expect(isLockAbortedError(error)).toBe(true);
      expect((error as { reason: unknown }).reason).toBe(reason);
    }, 10_000);
  });
});
