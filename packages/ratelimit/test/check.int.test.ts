import { createKeyspace } from '@coordis/keyspace';
import { topologyKinds } from '@coordis/testkit';
import type { Cluster, Redis } from 'ioredis';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeFixedWindow } from '../src/fixed-window.js';
import { decodeGcra, type GcraState, gcraDecide } from '../src/gcra.js';
import {
  createRateLimits,
  DEFAULTS,
  type Limiter,
  type LimitKey,
  type LimitResult,
  type RateLimits,
  resolveRate,
  type SlidingWindowState,
  slidingWindowDecide,
  windowOf,
} from '../src/index.js';
import { decodeSlidingWindow } from '../src/sliding-window.js';
import { RefFixedWindow, type RefModel, RefSlidingWindow, RefTokenBucket, seeded } from './support/reference-model.js';
import { deploy } from './support/topology.js';

let n = 0;

describe.each(topologyKinds())('on %s', (kind) => {
  const d = deploy(kind);
  let client: Redis | Cluster;
  beforeAll(() => {
    client = d.client;
  });

  /** A RateLimits on its own keyspace, so every test starts from empty keys. */
  function limits(options: { blockCache?: boolean } = {}): RateLimits {
    return createRateLimits(client, { keyspace: createKeyspace({ app: `ci${++n}` }), blockCache: options.blockCache ?? false });
  }

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  /** EVALSHA calls so far, summed over the primaries (INFO is per node). */
  async function evalshaCalls(): Promise<number> {
    let calls = 0;
    for (const node of d.primaries()) {
      const line = (await node.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha:'));
      calls += Number(/calls=(\d+)/.exec(line ?? '')?.[1] ?? 0);
    }
    return calls;
  }

  /** Runs random checks against Redis and the model fed with each decision's server time. */
  async function compareWithModel(limiter: Limiter<LimitKey>, model: RefModel, seed: number, steps: number, gapMs: number) {
    const rand = seeded(seed);
    for (let i = 0; i < steps; i++) {
      const cost = rand() < 0.75 ? 1 : Math.floor(rand() * (limiter.capacity + 1));
      const peek = rand() < 0.15;
      const r = peek ? await limiter.peek('k', { cost }) : await limiter.check('k', { cost });
      const want = model.decide(r.atMs, cost);
      const expected = {
        allowed: want.allowed,
        remaining: want.allowed ? want.remainingAfter : want.remainingNow,
        resetMs: want.allowed ? want.resetAfterMs : want.resetNowMs,
        retryAfterMs: want.retryAfterMs,
      };
      expect({ allowed: r.allowed, remaining: r.remaining, resetMs: r.resetMs, retryAfterMs: r.retryAfterMs }, `step ${i}`).toEqual(
        expected,
      );
      expect(r.source).toBe('redis');
      if (r.allowed && !peek) model.take(r.atMs, cost);
      if (rand() < 0.5) await sleep(Math.floor(rand() * gapMs));
    }
  }

  describe.concurrent('check.lua against the reference models, on the server clock', () => {
    it('answers every GCRA check as the token bucket does at the moment the server decided', async () => {
      const g = limits().gcra({ name: 'g', limit: 10, periodMs: 500, burst: 4 });
      await compareWithModel(g, new RefTokenBucket(10, 500, 4), 1, 120, 80);
    });

    it('answers every fixed-window check as the count per window does', async () => {
      const f = limits().fixedWindow({ name: 'f', limit: 5, periodMs: 300 });
      await compareWithModel(f, new RefFixedWindow(5, 300), 2, 120, 80);
    });

    it('answers every sliding-window check as the weighted estimate over the log does', async () => {
      const s = limits().slidingWindow({ name: 's', limit: 5, periodMs: 300 });
      await compareWithModel(s, new RefSlidingWindow(5, 300), 3, 120, 80);
    });
  });

  describe('what check.lua stores', () => {
    it("stores GCRA's TAT exactly as gcraDecide computes it, with a TTL", async () => {
      const rl = limits();
      const g = rl.gcra({ name: 'g', limit: 3, periodMs: 1000, burst: 5 });
      const rate = resolveRate('g', 'gcra', { limit: 3, periodMs: 1000, burst: 5 });
      let state: GcraState | undefined;
      const key = g.request('ip').entry(0).key;
      for (let i = 0; i < 4; i++) {
        const r = await g.check('ip');
        state = gcraDecide(rate, state, r.atMs, 1).next ?? state;
        expect(decodeGcra(await client.get(key))).toEqual(state);
      }
      expect(await client.pttl(key)).toBeGreaterThan(0);
    });

    it('stores the fixed window count under the key of the server window, expiring at its end', async () => {
      const f = limits().fixedWindow({ name: 'f', limit: 5, periodMs: 60_000 });
      const r = await f.check('ip', { cost: 2 });
      const key = f.request('ip').entry(r.atMs).key;
      expect(key).toMatch(new RegExp(`:${windowOf(r.atMs, 60_000)}$`));
      expect(decodeFixedWindow(await client.get(key))).toBe(2);
      expect(await client.pexpiretime(key)).toBe((windowOf(r.atMs, 60_000) + 1) * 60_000);
    });

    it('stores the sliding window as slidingWindowDecide computes it', async () => {
      const s = limits().slidingWindow({ name: 's', limit: 5, periodMs: 60_000 });
      const rate = resolveRate('s', 'sliding-window', { limit: 5, periodMs: 60_000 });
      let state: SlidingWindowState | undefined;
      for (let i = 0; i < 3; i++) {
        const r = await s.check('ip');
        state = slidingWindowDecide(rate, state, r.atMs, 1).next ?? state;
      }
      expect(decodeSlidingWindow(await client.get(s.request('ip').entry(0).key))).toEqual(state);
    });
  });

  describe('check, peek and reset', () => {
    it('takes nothing on a rejected request (all-or-nothing per request)', async () => {
      const g = limits().gcra({ name: 'g', limit: 10, periodMs: 3_600_000, burst: 5 });
      expect((await g.check('k', { cost: 3 })).remaining).toBe(2);
      const rejected = await g.check('k', { cost: 3 });
      expect(rejected).toMatchObject({ allowed: false, remaining: 2 });
      expect(await g.check('k', { cost: 2 })).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('peeks without taking: a peek answers what the check then answers', async () => {
      const f = limits().fixedWindow({ name: 'f', limit: 3, periodMs: 3_600_000 });
      await f.check('k');
      const p1 = await f.peek('k', { cost: 2 });
      const p2 = await f.peek('k', { cost: 2 });
      const c = await f.check('k', { cost: 2 });
      expect([p1.allowed, p1.remaining, p2.remaining, c.allowed, c.remaining]).toEqual([true, 0, 0, true, 0]);
    });

    it('answers a cost of 0 with what is left, taking nothing', async () => {
      const g = limits().gcra({ name: 'g', limit: 4, periodMs: 3_600_000 });
      await g.check('k', { cost: 3 });
      expect(await g.check('k', { cost: 0 })).toMatchObject({ allowed: true, remaining: 1 });
      expect(await g.check('k', { cost: 0 })).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('resets a key: everything counted for it is forgotten, other keys untouched', async () => {
      const rl = limits();
      const f = rl.fixedWindow({ name: 'f', limit: 2, periodMs: 3_600_000 });
      await f.check('a', { cost: 2 });
      await f.check('b', { cost: 2 });
      await f.reset('a');
      expect(await f.check('a', { cost: 2 })).toMatchObject({ allowed: true });
      expect(await f.check('b')).toMatchObject({ allowed: false });
    });

    it('gives exactly the limit to 200 concurrent checks on one key, in a handful of script runs', async () => {
      const rl = limits();
      const g = rl.gcra({ name: 'g', limit: 37, periodMs: 3_600_000 });
      const results = await Promise.all(Array.from({ length: 200 }, () => g.check('hot')));
      expect(results.filter((r) => r.allowed)).toHaveLength(37);
      expect(rl.stats().scriptRuns).toBeLessThanOrEqual(4);
    });

    it('spreads concurrent checks over runsInFlight script runs, not one, and answers each', async () => {
      const rl = limits();
      const g = rl.gcra({ name: 'g', limit: 10, periodMs: 3_600_000 });
      const before = rl.stats().scriptRuns;
      const results = await Promise.all(Array.from({ length: 64 }, (_, i) => g.check(`k${i}`, { cost: (i % 3) + 1 })));
      // On a Cluster a run holds the keys of one slot: these 64 make as many runs as slots.
      if (kind !== 'cluster') expect(rl.stats().scriptRuns - before).toBe(DEFAULTS.runsInFlight);
      expect(results.map((r) => r.remaining)).toEqual(Array.from({ length: 64 }, (_, i) => 10 - ((i % 3) + 1)));
    });
  });

  describe('multi-limiter checks', () => {
    it('takes from every limiter when all admit the request', async () => {
      const rl = limits();
      const ip = rl.gcra({ name: 'ip', limit: 5, periodMs: 3_600_000 });
      const account = rl.fixedWindow({ name: 'acct', limit: 3, periodMs: 3_600_000 });
      const r = await rl.checkAll([ip.request({ family: 't', id: '192.0.2.1' }), account.request({ family: 't', id: 'alice' })]);
      expect(r.allowed).toBe(true);
      expect(r.results.map((x) => x.remaining)).toEqual([4, 2]);
    });

    it('takes from none when one refuses, and names the longest wait', async () => {
      const rl = limits();
      const ip = rl.gcra({ name: 'ip', limit: 5, periodMs: 3_600_000 });
      const account = rl.fixedWindow({ name: 'acct', limit: 1, periodMs: 3_600_000 });
      await account.check('alice');
      const r = await rl.checkAll([ip.request('alice'), account.request('alice')]);
      expect(r.allowed).toBe(false);
      expect(r.results.map((x) => x.allowed)).toEqual([true, false]);
      expect(r.retryAfterMs).toBe(r.results[1]?.retryAfterMs);
      // The IP limiter, which admitted it alone, kept all it had.
      expect(await ip.peek('alice', { cost: 5 })).toMatchObject({ allowed: true });
    });

    it('sees its own take when one key appears twice in a group', async () => {
      const rl = limits();
      const g = rl.gcra({ name: 'g', limit: 3, periodMs: 3_600_000 });
      expect((await rl.checkAll([g.request('k', { cost: 2 }), g.request('k', { cost: 2 })])).allowed).toBe(false);
      expect((await rl.checkAll([g.request('k', { cost: 2 }), g.request('k', { cost: 1 })])).allowed).toBe(true);
      expect((await g.peek('k')).allowed).toBe(false);
    });

    it('peeks at a group without taking from any limiter', async () => {
      const rl = limits();
      const a = rl.gcra({ name: 'a', limit: 1, periodMs: 3_600_000 });
      const b = rl.slidingWindow({ name: 'b', limit: 1, periodMs: 3_600_000 });
      for (let i = 0; i < 3; i++) expect((await rl.peekAll([a.request('k'), b.request('k')])).allowed).toBe(true);
      expect((await rl.checkAll([a.request('k'), b.request('k')])).allowed).toBe(true);
    });
  });

  describe('the block cache', () => {
    it('answers a blocked key from this process until the block ends, with no Redis call', async () => {
      const rl = limits({ blockCache: true });
      const f = rl.gcra({ name: 'g', limit: 2, periodMs: 600, burst: 2 });
      await f.check('k', { cost: 2 });
      const first = await f.check('k');
      expect(first).toMatchObject({ allowed: false, source: 'redis' });
      const before = await evalshaCalls();
      const cached = await Promise.all(Array.from({ length: 50 }, () => f.check('k')));
      expect(await evalshaCalls()).toBe(before);
      expect(cached.every((r) => r.source === 'cache' && !r.allowed && r.retryAfterMs <= first.retryAfterMs)).toBe(true);
      await sleep(first.retryAfterMs + 5);
      expect(await f.check('k')).toMatchObject({ allowed: true, source: 'redis' });
    });

    it('still asks Redis for requests cheaper than the one refused', async () => {
      const rl = limits({ blockCache: true });
      const g = rl.gcra({ name: 'g', limit: 4, periodMs: 3_600_000 });
      await g.check('k', { cost: 3 });
      expect(await g.check('k', { cost: 2 })).toMatchObject({ allowed: false, source: 'redis' });
      expect(await g.check('k', { cost: 2 })).toMatchObject({ source: 'cache' });
      expect(await g.check('k', { cost: 1 })).toMatchObject({ allowed: true, source: 'redis' });
    });

    it('rejects a multi-limiter check from the cache when one member is known blocked, skipping the others', async () => {
      const rl = limits({ blockCache: true });
      const a = rl.gcra({ name: 'a', limit: 1, periodMs: 3_600_000 });
      const b = rl.gcra({ name: 'b', limit: 9, periodMs: 3_600_000 });
      await a.check('k');
      await a.check('k');
      const r = await rl.checkAll([a.request('k'), b.request('k')]);
      expect(r.allowed).toBe(false);
      expect(r.results.map((x) => x.source)).toEqual(['cache', 'skipped']);
    });

    it('forgets a block on reset in this process', async () => {
      const rl = limits({ blockCache: true });
      const g = rl.gcra({ name: 'g', limit: 1, periodMs: 3_600_000 });
      await g.check('k');
      await g.check('k');
      await g.reset('k');
      expect(await g.check('k')).toMatchObject({ allowed: true, source: 'redis' });
    });
  });

  describe('the clock estimate', () => {
    it("resends a fixed-window check built for the wrong window once it learns the server's clock", async () => {
      const realNow = Date.now;
      // This process believes it is an hour ahead: its first key names a window of the future.
      const spy = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 3_600_000);
      let rl: RateLimits;
      try {
        rl = limits();
      } finally {
        spy.mockRestore();
      }
      const f = rl.fixedWindow({ name: 'f', limit: 5, periodMs: 60_000 });
      const r: LimitResult = await f.check('k');
      expect(r).toMatchObject({ allowed: true, source: 'redis', remaining: 4 });
      const right = f.request('k').entry(r.atMs).key;
      const wrong = f.request('k').entry(r.atMs + 3_600_000).key;
      expect(await client.get(right)).toBe('1');
      expect(await client.exists(wrong)).toBe(0);
    });
  });
});
