import { describe, expect, it } from 'vitest';
import { windowOf } from '../src/fixed-window.js';
import { resolveRate } from '../src/rate.js';
import { decodeSlidingWindow, encodeSlidingWindow, type SlidingWindowState, slidingWindowDecide } from '../src/sliding-window.js';
import { RefSlidingWindow, seeded } from './support/reference-model.js';

describe('slidingWindowDecide', () => {
  for (const r of [
    { limit: 5, periodMs: 400 },
    { limit: 1, periodMs: 300 },
    { limit: 20, periodMs: 1000 },
  ]) {
    it(`answers like the weighted two-window estimate over a log, for ${r.limit} per ${r.periodMs} ms (1500 random requests)`, () => {
      const rate = resolveRate('t', 'sliding-window', r);
      const ref = new RefSlidingWindow(r.limit, r.periodMs);
      const rand = seeded(r.limit * 31 + r.periodMs);
      let now = 1_795_000_000_000 + Math.floor(rand() * 1e6);
      let state: SlidingWindowState | undefined;
      for (let i = 0; i < 1500; i++) {
        now += Math.floor((rand() * 2.5 * r.periodMs) / r.limit);
        const cost = rand() < 0.8 ? 1 : Math.floor(rand() * (r.limit + 1));
        const got = slidingWindowDecide(rate, state, now, cost);
        expect({ ...got, next: undefined, expireAtMs: undefined }, `request ${i} at ${now}, cost ${cost}`).toEqual({
          ...ref.decide(now, cost),
          next: undefined,
          expireAtMs: undefined,
        });
        if (got.allowed) {
          ref.take(now, cost);
          state = got.next ?? state;
        }
      }
    });
  }

  it('keeps within its error bound: at most the limit per aligned window, under twice the limit per sliding period', () => {
    const limit = 10;
    const periodMs = 1000;
    const rate = resolveRate('t', 'sliding-window', { limit, periodMs });
    const rand = seeded(99);
    let state: SlidingWindowState | undefined;
    const admitted: number[] = [];
    // Bursty traffic: quiet spells, then a try every millisecond.
    for (let t = 1_795_000_000_000; t < 1_795_000_000_000 + 60_000; t++) {
      if (Math.floor(t / 700) % 3 === 0 && rand() < 0.9) continue;
      const d = slidingWindowDecide(rate, state, t, 1);
      if (d.allowed) {
        admitted.push(t);
        state = d.next;
      }
    }
    const perWindow = new Map<number, number>();
    for (const t of admitted) perWindow.set(windowOf(t, periodMs), (perWindow.get(windowOf(t, periodMs)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(limit);
    let worst = 0;
    for (let i = 0, j = 0; i < admitted.length; i++) {
      while ((admitted[j] ?? 0) <= (admitted[i] ?? 0) - periodMs) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThan(2 * limit);
    expect(worst).toBeGreaterThan(limit); // the approximation is real: it does overshoot a true sliding log
  });

  it('stores "<window>:<current>:<previous>" and reads back only that form', () => {
    expect(encodeSlidingWindow({ window: 9, current: 2, previous: 5 })).toBe('9:2:5');
    expect(decodeSlidingWindow('9:2:5')).toEqual({ window: 9, current: 2, previous: 5 });
    expect(decodeSlidingWindow('9:2')).toBeUndefined();
  });
});
