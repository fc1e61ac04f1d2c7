import { describe, expect, it } from 'vitest';
import { BlockCache } from '../src/block-cache.js';

const block = (untilMs: number, minCost = 1) => ({ untilMs, resetAtMs: untilMs, minCost, remaining: 0 });

describe('BlockCache', () => {
  it('answers a block until it ends, and forgets it then', () => {
    const c = new BlockCache(10);
    const now = performance.now();
    c.set('a', block(now + 1000));
    expect(c.get('a', 1, now + 999)).toBeDefined();
    expect(c.get('a', 1, now + 1000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('lets cheaper requests than the one refused through to Redis', () => {
    const c = new BlockCache(10);
    const now = performance.now();
    c.set('a', block(now + 1000, 3));
    expect(c.get('a', 2, now)).toBeUndefined();
    expect(c.get('a', 3, now)).toBeDefined();
    expect(c.hits).toBe(1);
  });

  it('keeps at most its size, forgetting the oldest first', () => {
    const c = new BlockCache(2);
    const now = performance.now();
    c.set('a', block(now + 1000));
    c.set('b', block(now + 1000));
    c.set('c', block(now + 1000));
    expect(c.size).toBe(2);
    expect(c.get('a', 1, now)).toBeUndefined();
    expect(c.get('c', 1, now)).toBeDefined();
  });

  it('does not remember a block that has already ended', () => {
    const c = new BlockCache(2);
    c.set('a', block(performance.now() - 1));
    expect(c.size).toBe(0);
  });
});
