import { decodeTime, isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MonotonicUlid } from '../src/event-id.js';

describe('MonotonicUlid', () => {
  it('makes valid ULIDs whose time part is the millisecond given', () => {
    const ids = new MonotonicUlid();
    for (const now of [0, 1, 1_700_000_000_000, 2 ** 48 - 1]) {
      const id = ids.next(now);
      expect(id).toHaveLength(26);
      expect(isValid(id)).toBe(true);
      expect(decodeTime(id)).toBe(now);
    }
  });

  it('sorts ids in the order they were made, within a millisecond and across ones', () => {
    const ids = new MonotonicUlid();
    const made: string[] = [];
    for (let ms = 1_700_000_000_000; ms < 1_700_000_000_010; ms++) for (let i = 0; i < 1_000; i++) made.push(ids.next(ms));
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('keeps growing when the clock steps back, on the last time seen', () => {
    const ids = new MonotonicUlid();
    const a = ids.next(1_700_000_000_500);
    const b = ids.next(1_700_000_000_100);
    expect(b > a).toBe(true);
    expect(decodeTime(b)).toBe(1_700_000_000_500);
  });

  it('draws new random bits each millisecond', () => {
    const ids = new MonotonicUlid();
    const first = ids.next(1_700_000_000_000).slice(10, 18);
    const second = ids.next(1_700_000_000_001).slice(10, 18);
    expect(first).not.toBe(second);
  });
});
