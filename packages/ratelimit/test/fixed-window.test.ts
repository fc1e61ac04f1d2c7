import { describe, expect, it } from 'vitest';
import { decodeFixedWindow, encodeFixedWindow, fixedWindowDecide, windowOf } from '../src/fixed-window.js';
import { resolveRate } from '../src/rate.js';
import { RefFixedWindow, seeded } from './support/reference-model.js';

describe('windowOf', () => {
  it('numbers windows as Stalwart does: floor(now / period), aligned to the epoch', () => {
    expect(windowOf(0, 60_000)).toBe(0);
    expect(windowOf(59_999, 60_000)).toBe(0);
    expect(windowOf(60_000, 60_000)).toBe(1);
    expect(windowOf(1_795_645_198_654, 60_000)).toBe(29_927_419);
  });

  it("equals Stalwart's seconds arithmetic (now_s / period_s) for whole-second periods", () => {
    const rand = seeded(7);
    for (let i = 0; i < 10_000; i++) {
      const nowMs = 1_700_000_000_000 + Math.floor(rand() * 1e11);
      const periodS = 1 + Math.floor(rand() * 86_400);
      expect(windowOf(nowMs, periodS * 1000)).toBe(Math.floor(Math.floor(nowMs / 1000) / periodS));
    }
  });
});

describe('fixedWindowDecide', () => {
  for (const r of [
    { limit: 5, periodMs: 1000 },
    { limit: 1, periodMs: 250 },
    { limit: 100, periodMs: 60_000 },
  ]) {
    it(`answers like a count per window for ${r.limit} per ${r.periodMs} ms (2000 random requests)`, () => {
      const rate = resolveRate('t', 'fixed-window', r);
      const ref = new RefFixedWindow(r.limit, r.periodMs);
      const rand = seeded(r.limit + r.periodMs);
      let now = 1_795_000_000_000 + Math.floor(rand() * 1e6);
      const stored = new Map<number, number>();
      for (let i = 0; i < 2000; i++) {
        now += Math.floor((rand() * 2 * r.periodMs) / r.limit);
        const cost = rand() < 0.8 ? 1 : Math.floor(rand() * (r.limit + 1));
        const w = windowOf(now, r.periodMs);
        const got = fixedWindowDecide(rate, stored.get(w), now, cost);
        expect({ ...got, next: undefined, expireAtMs: undefined }, `request ${i}`).toEqual({
          ...ref.decide(now, cost),
          next: undefined,
          expireAtMs: undefined,
        });
        if (got.allowed) {
          ref.take(now, cost);
          if (got.next !== undefined) stored.set(w, got.next);
        }
        expect(got.expireAtMs).toBe((w + 1) * r.periodMs);
      }
    });
  }

  it('never admits past the limit, and a rejected request takes nothing', () => {
    const rate = resolveRate('t', 'fixed-window', { limit: 3, periodMs: 1000 });
    const d = fixedWindowDecide(rate, 2, 1_795_000_000_100, 2);
    expect(d).toMatchObject({ allowed: false, remainingNow: 1, retryAfterMs: 900, next: undefined });
    expect(fixedWindowDecide(rate, 2, 1_795_000_000_100, 1)).toMatchObject({ allowed: true, remainingAfter: 0, next: 3 });
  });

  it('stores the count as decimal text, as INCRBY keeps it', () => {
    expect(encodeFixedWindow(42)).toBe('42');
    expect(decodeFixedWindow('42')).toBe(42);
    expect(decodeFixedWindow(null)).toBeUndefined();
  });
});
