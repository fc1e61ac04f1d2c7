import { createKeyspace } from '@coordis/keyspace';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createRateLimits,
  isLimiterConflictError,
  isRateLimitArgumentError,
  isRateLimitOptionsError,
  RATELIMIT_PREFIXES,
} from '../src/index.js';

// A client that never connects: these tests check definitions and keys, not Redis.
const client = new Redis({ lazyConnect: true, enableOfflineQueue: false });
afterAll(() => client.disconnect());

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('RateLimits definitions', () => {
  it('refuses rates that are not whole positive numbers, or burst on a window', () => {
    const rl = createRateLimits(client, { keyspace: createKeyspace({ app: 'd1' }) });
    for (const bad of [
      () => rl.gcra({ name: 'a', limit: 0, periodMs: 1000 }),
      () => rl.gcra({ name: 'a', limit: 1.5, periodMs: 1000 }),
      () => rl.gcra({ name: 'a', limit: 1, periodMs: -1 }),
      () => rl.gcra({ name: 'a', limit: 1, periodMs: 1000, burst: 0 }),
      () => rl.fixedWindow({ name: 'a', limit: 2 ** 30, periodMs: 2 ** 30 }),
      () => rl.fixedWindow({ name: 'a', limit: 1, periodMs: 1000, burst: 2 } as never),
      () => rl.gcra({ name: 'bad name', limit: 1, periodMs: 1000 }),
      () => rl.gcra({ name: 'a', limit: 1, periodMs: 1000, onUnavailable: 'maybe' as never }),
    ]) {
      expect(isRateLimitOptionsError(thrown(bad))).toBe(true);
    }
  });

  it('refuses a second limiter of one name and algorithm with another rate, and accepts the same one again', () => {
    const ks = createKeyspace({ app: 'd2' });
    createRateLimits(client, { keyspace: ks }).gcra({ name: 'login', limit: 5, periodMs: 60_000 });
    const again = createRateLimits(client, { keyspace: ks });
    expect(again.gcra({ name: 'login', limit: 5, periodMs: 60_000 }).name).toBe('login');
    const e = thrown(() => again.gcra({ name: 'login', limit: 6, periodMs: 60_000 }));
    expect(isLimiterConflictError(e)).toBe(true);
    expect(again.fixedWindow({ name: 'login', limit: 6, periodMs: 60_000 }).algorithm).toBe('fixed-window');
  });

  it('refuses a cost above what the limiter ever admits at once', () => {
    const rl = createRateLimits(client, { keyspace: createKeyspace({ app: 'd3' }) });
    const g = rl.gcra({ name: 'g', limit: 10, periodMs: 1000, burst: 4 });
    expect(isRateLimitArgumentError(thrown(() => g.request('x', { cost: 5 })))).toBe(true);
    expect(isRateLimitArgumentError(thrown(() => g.request('x', { cost: -1 })))).toBe(true);
    expect(g.request('x', { cost: 4 }).cost).toBe(4);
  });

  it("builds keys tagged by the family, so one identity's limiters share a Cluster slot", () => {
    const rl = createRateLimits(client, { keyspace: createKeyspace({ app: 'd4' }) });
    const g = rl.gcra({ name: 'conn', limit: 10, periodMs: 1000 });
    const f = rl.fixedWindow({ name: 'auth', limit: 10, periodMs: 60_000 });
    const e1 = g.request('192.0.2.1').entry(120_000);
    const e2 = f.request('192.0.2.1').entry(120_000);
    expect(e1.key).toBe(`d4:${RATELIMIT_PREFIXES.RATELIMIT_GCRA}:{192.0.2.1}:conn:%`);
    expect(e2.key).toBe(`d4:${RATELIMIT_PREFIXES.RATELIMIT_FIXED_WINDOW}:{192.0.2.1}:auth:%:2`);
    expect(g.request({ family: 'tenant-7', id: 'alice' }).entry(0).key).toBe('d4:160:{tenant-7}:conn:alice');
  });

  it("keys Stalwart's presets with Stalwart's layout and the window last", () => {
    const ks = createKeyspace({ mode: 'binary' });
    const rl = createRateLimits(client, { keyspace: ks });
    const imap = rl.stalwart.KV_RATE_LIMIT_IMAP({ limit: 100, periodMs: 60_000 });
    const e = imap.request({ accountId: 7 }).entry(1_795_645_198_654);
    expect(e.window).toBe(29_927_419);
    expect(e.key).toEqual(ks.stalwart.KV_RATE_LIMIT_IMAP.key({ accountId: 7, window: 29_927_419 }));
    expect(Buffer.from(e.key as Buffer).toString('hex')).toBe(`0a00000007${(29_927_419).toString(16).padStart(16, '0')}`);
  });

  it("refuses this package's own limiters on a binary keyspace, which has no room for their keys", () => {
    const rl = createRateLimits(client, { keyspace: createKeyspace({ mode: 'binary' }) });
    expect(isRateLimitOptionsError(thrown(() => rl.gcra({ name: 'g', limit: 1, periodMs: 1000 })))).toBe(true);
  });

  it('refuses a multi-limiter check mixing limiters of two RateLimits', async () => {
    const a = createRateLimits(client, { keyspace: createKeyspace({ app: 'd5' }) }).gcra({ name: 'a', limit: 1, periodMs: 1000 });
    const rl = createRateLimits(client, { keyspace: createKeyspace({ app: 'd6' }) });
    const b = rl.gcra({ name: 'b', limit: 1, periodMs: 1000 });
    expect(isRateLimitArgumentError(thrown(() => rl.checkAll([a.request('x'), b.request('x')])))).toBe(true);
  });
});
