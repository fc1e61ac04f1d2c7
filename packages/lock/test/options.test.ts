import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/defaults.js';
import { isLockOptionsError, LockOptionsError } from '../src/errors.js';
import { checkLimit, checkWaitMs, resolveLockOptions } from '../src/options.js';

describe('resolveLockOptions', () => {
  it('fills every default when given nothing', () => {
    expect(resolveLockOptions()).toEqual({
      ttlMs: DEFAULTS.ttlMs,
      waitMs: DEFAULTS.waitMs,
      renewEveryMs: 10_000,
      fallbackPollMs: DEFAULTS.fallbackPollMs,
      fenceRetentionMs: DEFAULTS.fenceRetentionMs,
      durable: undefined,
    });
  });

  it('lets a later layer override an earlier one', () => {
    const r = resolveLockOptions({ ttlMs: 9000, waitMs: 100 }, { waitMs: 5 });
    expect(r.ttlMs).toBe(9000);
    expect(r.waitMs).toBe(5);
  });

  it('derives the renewal period from a layer that changes the TTL without saying how often to renew', () => {
    expect(resolveLockOptions({ ttlMs: 60_000, renewEveryMs: 20_000 }, { ttlMs: 3000 }).renewEveryMs).toBe(1000);
  });

  it('keeps an explicit renewal period given with the TTL', () => {
    expect(resolveLockOptions({ ttlMs: 3000, renewEveryMs: 500 }).renewEveryMs).toBe(500);
  });

  it('refuses a renewal period that cannot keep the lease alive', () => {
    expect(() => resolveLockOptions({ ttlMs: 1000, renewEveryMs: 1000 })).toThrow(/renewEveryMs/);
  });

  it('refuses TTLs that are not whole positive milliseconds, naming the option', () => {
    for (const ttlMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      try {
        resolveLockOptions({ ttlMs });
        expect.unreachable(`ttlMs ${ttlMs} was accepted`);
      } catch (e) {
        expect(isLockOptionsError(e)).toBe(true);
        expect((e as LockOptionsError).option).toBe('ttlMs');
      }
    }
  });

  it('accepts a wait of 0 (one attempt) and Infinity (until aborted)', () => {
    expect(checkWaitMs('waitMs', 0)).toBe(0);
    expect(checkWaitMs('waitMs', Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(() => checkWaitMs('waitMs', -1)).toThrow(LockOptionsError);
  });

  it('refuses durable settings that would block forever or wait for nobody', () => {
    expect(() => resolveLockOptions({ durable: { replicas: 1, timeoutMs: 0 } })).toThrow(/durable.timeoutMs/);
    expect(() => resolveLockOptions({ durable: { replicas: 0, timeoutMs: 100 } })).toThrow(/durable.replicas/);
    expect(resolveLockOptions({ durable: { replicas: 2, timeoutMs: 50 } }).durable).toEqual({ replicas: 2, timeoutMs: 50 });
  });
});

describe('checkLimit', () => {
  it('accepts whole numbers of holders from 1', () => {
    expect(checkLimit(1)).toBe(1);
    expect(checkLimit(64)).toBe(64);
  });

  it('refuses a semaphore nobody or a fraction of a holder could hold', () => {
    for (const n of [0, -2, 2.5, Number.NaN]) expect(() => checkLimit(n)).toThrow(LockOptionsError);
  });
});
