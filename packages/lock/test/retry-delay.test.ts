import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../src/retry-delay.js';

describe('retryDelayMs', () => {
  it('wakes just past the first expiry when that comes before the poll', () => {
    expect(retryDelayMs(20, 500, 5, () => 0)).toBe(21);
    expect(retryDelayMs(20, 500, 5, () => 0.999)).toBe(26);
  });

  it('caps the sleep at the fallback poll, jittered between half of it and all of it', () => {
    expect(retryDelayMs(60_000, 500, 5, () => 0)).toBe(250);
    expect(retryDelayMs(60_000, 500, 5, () => 0.5)).toBe(375);
    expect(retryDelayMs(60_000, 500, 5, () => 0.9999)).toBe(500);
  });

  it('never sleeps less than a millisecond, even for a lease the server reports as ending now', () => {
    expect(retryDelayMs(0, 500, 0, () => 0)).toBe(1);
    expect(retryDelayMs(-3, 1, 0, () => 0)).toBe(1);
  });

  it('spreads waiters of one lock over the jitter window', () => {
    const seen = new Set(Array.from({ length: 200 }, () => retryDelayMs(60_000, 500, 5)));
    expect(seen.size).toBeGreaterThan(50);
    for (const ms of seen) {
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThanOrEqual(500);
    }
  });
});
