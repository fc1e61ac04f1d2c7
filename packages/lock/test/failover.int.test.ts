import { connect } from '@coordis/client';
import { nowMs, startSentinel } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import { createLocks, isLockReplicationError } from '../src/index.js';
import { FencedLedger } from './support/fenced-ledger.js';

describe('a primary that dies before replicating a grant', () => {
  it('lets the lock be granted again on the new primary, with a higher token the fenced resource uses to refuse every write of the stale holder', async () => {
    await using t = await startSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
    const client = await connect(t.url);
    const locks = createLocks(client, { ttlMs: 60_000 });
    const lock = locks.lock('ledger');
    // The fencing token coordis issues, and for contrast a plain INCR counter handed out at
    // each grant — the fence most locks that have one use.
    const ledger = new FencedLedger();
    const naiveLedger = new FencedLedger();
    try {
      // A first grant that does reach both replicas: the fence and the counter exist everywhere.
      const first = await lock.acquire();
      expect(ledger.write(first.token, 'first')).toBe(true);
      expect(naiveLedger.write(await client.incr('naive-fence'), 'first')).toBe(true);
      await first.release();
      expect(await client.waitForReplicas(2, 5000)).toBe(2);

      // Cut replication: the replicas stop and the primary drops its links to them, so what
      // follows exists on the old primary alone.
      const old = await t.primary();
      const replicas = t.nodes.filter((n) => n !== old);
      for (const r of replicas) r.pause();
      await old.call('CLIENT', 'KILL', 'TYPE', 'replica');

      const stale = await lock.acquire();
      const staleNaive = await client.incr('naive-fence');
      expect(ledger.write(stale.token, 'stale holder, while it is the holder')).toBe(true);
      expect(naiveLedger.write(staleNaive, 'stale holder, while it is the holder')).toBe(true);
      // Asked to wait for a replica, the same kind of grant is refused instead of trusted.
      const durable = await locks
        .lock('ledger-durable', { durable: { replicas: 1, timeoutMs: 200 } })
        .acquire()
        .catch((e: unknown) => e);
      expect(isLockReplicationError(durable)).toBe(true);

      const killedAt = nowMs();
      await old.kill();
      for (const r of replicas) r.resume();
      await t.watch.waitForSwitchMaster({ after: killedAt, timeoutMs: 30_000 });

      // The new primary never saw the stale grant, so the lock is free there and granted again.
      const fresh = await lock.acquire({ waitMs: 30_000 });
      expect(await client.hget(lock.key, stale.ownerId)).toBeNull();
      const freshNaive = await client.incr('naive-fence');
      // The fault is real: the plain counter lost the stale grant's increment and repeats it.
      expect(freshNaive).toBeLessThanOrEqual(staleNaive);
      // coordis' token comes from the new primary's clock when its counter is behind.
      expect(fresh.token).toBeGreaterThan(stale.token);

      // Both holders now write, the stale one still believing it holds the lock.
      expect(ledger.write(fresh.token, 'fresh holder')).toBe(true);
      expect(naiveLedger.write(freshNaive, 'fresh holder')).toBe(true);
      let staleAccepted = 0;
      let naiveStaleAccepted = 0;
      for (let i = 0; i < 100; i++) {
        if (ledger.write(stale.token, `stale write ${i}`)) staleAccepted++;
        expect(ledger.write(fresh.token, `fresh write ${i}`)).toBe(true);
        if (naiveLedger.write(staleNaive, `stale write ${i}`)) naiveStaleAccepted++;
        naiveLedger.write(freshNaive, `fresh write ${i}`);
      }
      expect(staleAccepted).toBe(0);
      expect(naiveStaleAccepted).toBe(100);

      // The stale holder learns it lost the lock at its next renewal.
      expect(await stale.extend()).toEqual({ extended: false, reason: 'not-owner' });
      expect(await stale.release()).toEqual({ released: false, reason: 'not-owner' });
      expect(await fresh.release()).toEqual({ released: true });
    } finally {
      for (const n of t.nodes) if (n.state === 'paused') n.resume();
      locks.close();
      client.disconnect();
    }
  }, 120_000);
});
