import { type CoordisClient, connect } from '@coordis/client';
import { isLockTimeoutError } from '@coordis/lock';
import { type StandaloneTopology, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateWindow, stalwartGreylist, stalwartKeys, stalwartLocks, stalwartRateLimits } from '../src/index.js';

// "stalwart" below is a plain ioredis connection that sends exactly the commands a Stalwart node
// sends (crates/store/src/backend/redis/lookup.rs at d72608f): redis-rs' atomic pipe is
// MULTI/INCRBY/EXPIRE/EXEC, try_lock is SET key <expiry> NX EX <ttl>, remove_lock is DEL,
// key_set with an expiry is SETEX, key_exists is EXISTS.

let server: StandaloneTopology;
let stalwart: Redis;
let node: CoordisClient;

beforeAll(async () => {
  server = await startStandalone();
  stalwart = new Redis(server.url);
  node = await connect(server.url);
});

afterAll(async () => {
  stalwart?.disconnect();
  node?.disconnect();
  await server?.stop();
});

/** What a Stalwart node does for one rate-limited attempt (is_rate_allowed with soft_check false). */
async function stalwartCounts(key: Buffer, periodS: number, nowMs: number): Promise<number> {
  const { expiresInS } = rateWindow(periodS, nowMs);
  const replies = await stalwart.multi().incrby(key, 1).expire(key, expiresInS).exec();
  return Number(replies?.[0]?.[1]);
}

/** Every command the server runs while `fn` runs, as MONITOR reports them, and what `fn` returned. */
async function monitored<T>(fn: () => Promise<T>): Promise<[string[][], T]> {
  const monitor = await new Redis(server.url).monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
  const result = await fn();
  await node.ping('end-of-monitor');
  await new Promise((r) => setTimeout(r, 50));
  monitor.disconnect();
  const end = seen.findIndex((a) => a[0]?.toLowerCase() === 'ping' && a[1] === 'end-of-monitor');
  return [seen.slice(0, end), result];
}

describe('rate limits shared with Stalwart', () => {
  const rate = { count: 5, periodS: 3600 };

  it('reads back a counter Stalwart wrote with the same count and reset', async () => {
    const limits = stalwartRateLimits(node);
    const nowMs = Date.now();
    const subject = { ip: '198.51.100.20' };
    const key = stalwartKeys.rateLimit('KV_RATE_LIMIT_AUTH', subject, { periodS: rate.periodS, nowMs });
    for (let i = 0; i < 3; i++) await stalwartCounts(key, rate.periodS, nowMs);

    const r = await limits.peek('KV_RATE_LIMIT_AUTH', subject, rate, { nowMs });
    const ttl = await stalwart.ttl(key);
    expect(r).toMatchObject({ allowed: true, count: 3, limit: 5, remaining: 2, retryAfterS: 0 });
    expect(r.key).toEqual(key);
    expect(r.resetS).toBe(rateWindow(rate.periodS, nowMs).expiresInS);
    // The TTL Stalwart set counts down from the same reset.
    expect(ttl).toBeLessThanOrEqual(r.resetS);
    expect(ttl).toBeGreaterThanOrEqual(r.resetS - 2);
  });

  it('counts with Stalwart’s own commands: MULTI, INCRBY key 1, EXPIRE key <reset>, EXEC', async () => {
    const limits = stalwartRateLimits(node);
    const nowMs = Date.now();
    const [commands] = await monitored(() => limits.hit('KV_RATE_LIMIT_IMAP', { accountId: 77 }, rate, { nowMs }));
    const reset = String(rateWindow(rate.periodS, nowMs).expiresInS);
    expect(commands.map((c) => [c[0]?.toLowerCase(), ...c.slice(2)])).toEqual([['multi'], ['incrby', '1'], ['expire', reset], ['exec']]);
  });

  it('shares one limit: Stalwart’s attempts and the Node front end’s add up, and both see the block', async () => {
    const limits = stalwartRateLimits(node);
    const nowMs = Date.now();
    const subject = { login: 'alice@example.org' };
    const key = stalwartKeys.rateLimit('KV_RATE_LIMIT_AUTH', subject, { periodS: rate.periodS, nowMs });
    for (let i = 0; i < 4; i++) await stalwartCounts(key, rate.periodS, nowMs);

    expect(await limits.hit('KV_RATE_LIMIT_AUTH', subject, rate, { nowMs })).toMatchObject({ allowed: true, count: 5, remaining: 0 });
    const over = await limits.hit('KV_RATE_LIMIT_AUTH', subject, rate, { nowMs });
    expect(over).toMatchObject({ allowed: false, count: 6 });
    expect(over.retryAfterS).toBe(over.resetS);
    // Stalwart's next attempt sees the Node front end's counts.
    expect(await stalwartCounts(key, rate.periodS, nowMs)).toBe(7);
    expect(await limits.peek('KV_RATE_LIMIT_AUTH', subject, rate, { nowMs })).toMatchObject({ allowed: false, count: 7 });
  });

  it('reads a blob quota Stalwart packs as uploads << 44 | bytes', async () => {
    const limits = stalwartRateLimits(node);
    const nowMs = Date.now();
    const key = stalwartKeys.blobQuota({ accountId: 9 }, { ttlS: 3600, nowMs });
    for (const bytes of [1000n, 2500n]) await stalwart.incrby(key, ((1n << 44n) | bytes).toString());
    expect(await limits.blobQuota(9, 3600, { nowMs })).toMatchObject({ uploads: 2, bytes: 3500 });
  });
});

describe('Stalwart-format locks', () => {
  it('keeps a coordis worker waiting while a Stalwart node holds the task lock, until it expires', async () => {
    const lock = stalwartLocks(node, { pollMs: 100 }).task(1001n);
    const nowS = Math.floor(Date.now() / 1000);
    expect(await stalwart.call('SET', lock.key, String(nowS + 2), 'NX', 'EX', 2)).toBe('OK');

    expect(await lock.tryAcquire()).toBeUndefined();
    const held = await lock.holder();
    expect(held?.expiresAtS).toBe(nowS + 2);
    const lease = await lock.acquire({ waitMs: 10_000 });
    // Taken only once Stalwart's key had expired: the key now holds this worker's value.
    expect(await stalwart.get(lock.key)).toBe(lease.value);
    expect(lease.value).not.toBe(String(nowS + 2));
    expect(await lease.release()).toEqual({ released: true });
  });

  it('keeps a coordis worker waiting until a Stalwart node releases the queue lock with DEL', async () => {
    const lock = stalwartLocks(node, { pollMs: 50 }).queueMessage({ queueId: 42n, queueName: 'default' });
    expect(await stalwart.call('SET', lock.key, String(Math.floor(Date.now() / 1000) + 600), 'NX', 'EX', 600)).toBe('OK');
    let acquired = false;
    const waiting = lock.acquire({ waitMs: 20_000 }).then((lease) => {
      acquired = true;
      return lease;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(acquired).toBe(false);
    await stalwart.del(lock.key);
    const lease = await waiting;
    expect(await stalwart.ttl(lock.key)).toBeGreaterThan(590);
    await lease.release();
  });

  it('keeps a Stalwart node out while a coordis worker holds the lock, taken with Stalwart’s own SET … NX EX', async () => {
    const lock = stalwartLocks(node).task(1002n);
    const [commands, lease] = await monitored(() => lock.acquire());
    expect(commands.map((c) => [c[0]?.toLowerCase(), ...c.slice(2)])).toEqual([['set', lease.value, 'NX', 'EX', '3600']]);
    const nowS = Math.floor(Date.now() / 1000);
    // A Stalwart node's try_lock_task: SET NX fails, the task is skipped.
    expect(await stalwart.call('SET', lock.key, String(nowS + 3600), 'NX', 'EX', 3600)).toBeNull();
    // The value is Stalwart's: the expiry in Unix seconds, with Stalwart's TTL.
    expect(Number(lease.value)).toBeGreaterThanOrEqual(nowS + 3599);
    expect(await stalwart.ttl(lock.key)).toBeGreaterThan(3590);
    await lease.release();
  });

  it('does not delete a lock someone took after this lease ran out', async () => {
    const lock = stalwartLocks(node).task(1003n, { ttlS: 60 });
    const lease = await lock.acquire();
    await stalwart.set(lock.key, '1', 'EX', 60); // another holder's value
    expect(await lease.release()).toEqual({ released: false, reason: 'not-owner' });
    expect(await stalwart.exists(lock.key)).toBe(1);
    await stalwart.del(lock.key);
    expect(await lease.release()).toEqual({ released: false, reason: 'expired' });
  });

  it('gives up after waitMs with LockTimeoutError', async () => {
    const lock = stalwartLocks(node, { pollMs: 20 }).task(1004n);
    await stalwart.set(lock.key, '1', 'EX', 60);
    await expect(lock.acquire({ waitMs: 100 })).rejects.toSatisfy(isLockTimeoutError);
  });
});

describe('greylist shared with Stalwart', () => {
  const ttlS = 300;

  it('greylists a new pair with Stalwart’s key and SETEX, and passes it the second time', async () => {
    const greylist = stalwartGreylist(node);
    const entry = { sender: 'News@Bücher.Example', rcpt: 'Bob@Example.org' };
    const [commands, verdict] = await monitored(() => greylist.check(entry, ttlS));
    expect(verdict).toMatchObject({ greylisted: true });
    expect(commands.map((c) => c[0]?.toLowerCase())).toEqual(['exists', 'setex']);
    const key = stalwartKeys.greylist(entry);
    expect(await stalwart.ttl(key)).toBeGreaterThan(ttlS - 3);
    expect(await stalwart.getBuffer(key)).toEqual(Buffer.alloc(0));
    expect(await greylist.check(entry, ttlS)).toMatchObject({ greylisted: false });
  });

  it('passes a pair a Stalwart node listed', async () => {
    const entry = { sender: '', rcpt: 'postmaster@example.org' };
    await stalwart.setex(stalwartKeys.greylist(entry), ttlS, '');
    expect(await stalwartGreylist(node).check(entry, ttlS)).toMatchObject({ greylisted: false });
  });
});
