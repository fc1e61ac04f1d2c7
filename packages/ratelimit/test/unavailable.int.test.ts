import { type CoordisClient, connect } from '@coordis/client';
import { createKeyspace } from '@coordis/keyspace';
import { type StandaloneTopology, startStandalone } from '@coordis/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimits, isRateLimitUnavailableError, type Limiter, type LimitKey, type UnavailablePolicy } from '../src/index.js';
import { checkLoad } from './support/check-load.js';

// Every acknowledged write reaches the disk before the reply, so what the server holds after a
// SIGKILL and restart is exactly what it acknowledged: the count to audit.
let t: StandaloneTopology;
let client: CoordisClient;
let n = 0;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startStandalone({ config: { appendonly: 'yes', appendfsync: 'always' } });
  client = await connect(t.url);
});

afterAll(async () => {
  client.disconnect();
  await t.stop();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function limiter(policy: UnavailablePolicy, limit = 1000, on: Redis = client): { app: string; f: Limiter<LimitKey> } {
  const app = `down${++n}`;
  const rl = createRateLimits(on, { keyspace: createKeyspace({ app }), onUnavailable: policy, deadlineMs: 200, blockCache: false });
  return { app, f: rl.fixedWindow({ name: 'f', limit, periodMs: DAY }) };
}

/** What the server holds for the limiter's key in the current window. */
async function serverCount(f: Limiter<LimitKey>): Promise<number> {
  const now = Number((await client.time())[0]) * 1000;
  return Number((await client.get(f.request('k').entry(now).key)) ?? 0);
}

async function killAndRestart(during: () => Promise<void>): Promise<void> {
  await t.node.kill();
  try {
    await during();
  } finally {
    await t.node.start();
    await client.ping();
  }
}

const checks = (f: Limiter<LimitKey>, count: number) => Promise.all(Array.from({ length: count }, () => f.check('k')));

describe('Redis killed (SIGKILL) and restarted', () => {
  for (const policy of ['open', 'closed', 'local'] as const) {
    it(`answers by the '${policy}' policy while down, and afterwards the server holds exactly the checks Redis admitted`, async () => {
      const { f } = limiter(policy);
      const before = await checks(f, 10);
      expect(before.every((r) => r.allowed && r.source === 'redis')).toBe(true);
      let down: Awaited<ReturnType<typeof checks>> = [];
      await killAndRestart(async () => {
        down = await checks(f, 10);
      });
      expect(down.every((r) => r.source === 'fallback')).toBe(true);
      expect(down.every((r) => r.allowed === (policy !== 'closed'))).toBe(true);
      const after = await checks(f, 10);
      expect(after.every((r) => r.allowed && r.source === 'redis')).toBe(true);
      // Anything queued while down would arrive now; give it time to.
      await sleep(500);
      expect(await serverCount(f)).toBe(20);
      expect((await f.peek('k', { cost: 0 })).remaining).toBe(1000 - 20);
    });
  }

  it("rejects with RateLimitUnavailableError under the 'throw' policy, and sends nothing later", async () => {
    const { f } = limiter('throw');
    await checks(f, 5);
    await killAndRestart(async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => f.check('k')));
      expect(outcomes.every((o) => o.status === 'rejected' && isRateLimitUnavailableError(o.reason))).toBe(true);
    });
    await checks(f, 5);
    await sleep(500);
    expect(await serverCount(f)).toBe(10);
  });

  it("keeps limiting in this process under the 'local' policy, on its own state", async () => {
    const { f } = limiter('local', 5);
    await killAndRestart(async () => {
      const down = await checks(f, 8);
      expect(down.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false, false]);
    });
    // Redis never saw those: its own count starts at zero.
    expect((await checks(f, 6)).map((r) => r.allowed)).toEqual([true, true, true, true, true, false]);
    expect(await serverCount(f)).toBe(5);
  });

  it('counts no check twice under continuous load across the kill: the server holds every check Redis answered, and at most one count for each check the fallback answered', async () => {
    const { f } = limiter('open', 1_000_000);
    const load = checkLoad(() => f.check('k'), 5);
    const tally = load.tally;
    await sleep(300);
    await killAndRestart(async () => {
      await sleep(500);
    });
    await sleep(300);
    await load.stop();
    await sleep(500);
    const held = await serverCount(f);
    expect(tally.fallback).toBeGreaterThan(0);
    // A check Redis answered was applied once. A check the fallback answered was applied at
    // most once: it never reached Redis, or it was on the wire when the deadline passed (the
    // kill, a stall while the restarted server caught up) and Redis applied it then. A check
    // applied twice would push the count past this bound.
    expect(held).toBeGreaterThanOrEqual(tally.redis);
    expect(held).toBeLessThanOrEqual(tally.redis + tally.fallback);
  });

  it('never queues a check on a plain ioredis client that is not connected, so none is sent after the restart', async () => {
    const plain = new Redis(t.url);
    plain.on('error', () => {});
    try {
      await plain.ping();
      const { f } = limiter('open', 1000, plain);
      await checks(f, 10);
      await killAndRestart(async () => {
        // Once ioredis knows the connection is gone. (Commands written in the instant before it
        // notices are resent by ioredis itself after the reconnect: see the README.)
        while (plain.status === 'ready') await sleep(5);
        // ioredis' own offline queue is on (its default): the limiter must not use it.
        const down = await checks(f, 10);
        expect(down.every((r) => r.source === 'fallback')).toBe(true);
      });
      await plain.ping();
      await checks(f, 10);
      await sleep(500);
      expect(await serverCount(f)).toBe(20);
    } finally {
      plain.disconnect();
    }
  });
});
