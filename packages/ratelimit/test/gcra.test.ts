import { describe, expect, it } from 'vitest';
import { decodeGcra, encodeGcra, type GcraState, gcraDecide } from '../src/gcra.js';
import { resolveRate } from '../src/rate.js';
import { RefTokenBucket, seeded } from './support/reference-model.js';

const rates = [
  { limit: 3, periodMs: 1000, burst: 5 }, // an emission interval of 333⅓ ms
  { limit: 7, periodMs: 100, burst: 7 },
  { limit: 1, periodMs: 1000, burst: 1 },
  { limit: 1000, periodMs: 1000, burst: 10 },
  { limit: 13, periodMs: 977, burst: 40 },
];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

describe('gcraDecide', () => {
  for (const r of rates) {
    it(`answers like a continuous token bucket for ${r.limit} per ${r.periodMs} ms, burst ${r.burst} (2000 random requests)`, () => {
      const rate = resolveRate('t', 'gcra', r);
      const ref = new RefTokenBucket(r.limit, r.periodMs, r.burst);
      const rand = seeded(r.limit * 1000 + r.burst);
      let state: GcraState | undefined;
      let now = 1_795_000_000_000 + Math.floor(rand() * 1e6);
      const interval = r.periodMs / r.limit;
      for (let i = 0; i < 2000; i++) {
        now += Math.floor(rand() * 1.6 * interval);
        const cost = rand() < 0.8 ? 1 : pick(rand, [0, 2, r.burst]);
        const got = gcraDecide(rate, state, now, cost);
        const want = ref.decide(now, cost);
        expect({ ...got, next: undefined, expireAtMs: undefined }, `request ${i} at ${now}, cost ${cost}`).toEqual({
          ...want,
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

  it('admits exactly the burst at one instant, then nothing until one emission interval has passed', () => {
    const rate = resolveRate('t', 'gcra', { limit: 3, periodMs: 1000, burst: 5 });
    const t = 1_795_000_000_000;
    let state: GcraState | undefined;
    let admitted = 0;
    for (let i = 0; i < 20; i++) {
      const d = gcraDecide(rate, state, t, 1);
      if (d.allowed) {
        admitted++;
        state = d.next;
      }
    }
    expect(admitted).toBe(5);
    const blocked = gcraDecide(rate, state, t, 1);
    expect(blocked.retryAfterMs).toBe(334); // ⌈1000 / 3⌉
    expect(gcraDecide(rate, state, t + 333, 1).allowed).toBe(false);
    expect(gcraDecide(rate, state, t + 334, 1).allowed).toBe(true);
  });

  it('changes nothing when a request does not fit', () => {
    const rate = resolveRate('t', 'gcra', { limit: 10, periodMs: 1000, burst: 4 });
    const t = 1_795_000_000_000;
    const first = gcraDecide(rate, undefined, t, 3);
    const rejected = gcraDecide(rate, first.next, t, 2);
    expect(rejected.allowed).toBe(false);
    expect(rejected.next).toBeUndefined();
    expect(rejected.remainingNow).toBe(1);
    expect(gcraDecide(rate, first.next, t, 1)).toMatchObject({ allowed: true, remainingAfter: 0 });
  });

  it('keeps sub-millisecond emission intervals exact over a long run (no drift)', () => {
    const rate = resolveRate('t', 'gcra', { limit: 3, periodMs: 1000, burst: 2 });
    let state: GcraState | undefined;
    let t = 1_795_000_000_000;
    let admitted = 0;
    // One try per millisecond for 300 s: the bucket never fills again, so nothing is lost to
    // rounding — the burst of 2, then one per 333⅓ ms: ⌊2 + 299 999 × 3 / 1000⌋ = 901.
    for (let i = 0; i < 300_000; i++, t++) {
      const d = gcraDecide(rate, state, t, 1);
      if (d.allowed) {
        admitted++;
        state = d.next;
      }
    }
    expect(admitted).toBe(901);
  });

  it('stores the TAT as "<ms>:<frac>" and reads back only that form', () => {
    expect(encodeGcra({ tatMs: 1_795_000_000_123, frac: 2 })).toBe('1795000000123:2');
    expect(decodeGcra('1795000000123:2')).toEqual({ tatMs: 1_795_000_000_123, frac: 2 });
    expect(decodeGcra(null)).toBeUndefined();
    expect(decodeGcra('17.5')).toBeUndefined();
  });

  it('expires a taken state no earlier than its TAT, rounded up to a whole second', () => {
    const rate = resolveRate('t', 'gcra', { limit: 10, periodMs: 1000, burst: 10 });
    const t = 1_795_000_000_500;
    const d = gcraDecide(rate, undefined, t, 10);
    expect(d.next).toEqual({ tatMs: t + 1000, frac: 0 });
    expect(d.expireAtMs).toBeGreaterThan(t + 1000);
    expect(d.expireAtMs % 1000).toBe(0);
  });
});
