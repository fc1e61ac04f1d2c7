import { describe, expect, it } from 'vitest';
import type { CheckEntry } from '../src/check-entry.js';
import { LocalLimiter } from '../src/local-limiter.js';
import { resolveRate } from '../src/rate.js';

const t = 1_795_000_000_000;
function entry(keyId: string, limit: number, cost = 1): CheckEntry {
  return { limiter: keyId, key: keyId, keyId, rate: resolveRate(keyId, 'gcra', { limit, periodMs: 60_000 }), cost, window: 0 };
}

describe('LocalLimiter', () => {
  it('admits up to the limit on its own clock, like the script', () => {
    const l = new LocalLimiter(100);
    const allowed = Array.from({ length: 5 }, () => l.check([entry('a', 3)], t, true)[0]?.allowed);
    expect(allowed).toEqual([true, true, true, false, false]);
  });

  it('takes a group only when every entry fits', () => {
    const l = new LocalLimiter(100);
    l.check([entry('small', 1)], t, true);
    const r = l.check([entry('big', 10), entry('small', 1)], t, true);
    expect(r.map((x) => x.allowed)).toEqual([true, false]);
    expect(l.check([entry('big', 10, 10)], t, true)[0]?.allowed).toBe(true);
  });

  it('takes nothing on a peek', () => {
    const l = new LocalLimiter(100);
    for (let i = 0; i < 5; i++) l.check([entry('a', 1)], t, false);
    expect(l.check([entry('a', 1)], t, true)[0]?.allowed).toBe(true);
  });

  it('forgets state once it expires', () => {
    const l = new LocalLimiter(100);
    l.check([entry('a', 1)], t, true);
    expect(l.check([entry('a', 1)], t + 1, true)[0]?.allowed).toBe(false);
    expect(l.check([entry('a', 1)], t + 120_000, true)[0]?.allowed).toBe(true);
  });
});
