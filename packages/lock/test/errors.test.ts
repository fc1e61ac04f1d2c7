import { CoordisError, isCoordisError } from '@coordis/client';
import { describe, expect, it } from 'vitest';
import {
  isLockAbortedError,
  isLockKeyTypeError,
  isLockLostError,
  isLockReplicationError,
  isLockTimeoutError,
  LockAbortedError,
  LockKeyTypeError,
  LockLostError,
  LockReplicationError,
  LockTimeoutError,
} from '../src/errors.js';

describe('lock errors', () => {
  const reason = new Error('shutting down');
  const cases = [
    { error: new LockTimeoutError('lock "jobs"', 250), code: 'COORDIS_LOCK_TIMEOUT', guard: isLockTimeoutError, fix: /Raise waitMs/ },
    { error: new LockAbortedError('lock "jobs"', reason), code: 'COORDIS_LOCK_ABORTED', guard: isLockAbortedError, fix: /see reason/ },
    { error: new LockLostError('lock "jobs"', 'expired', 42), code: 'COORDIS_LOCK_LOST', guard: isLockLostError, fix: /fencing token/ },
    {
      error: new LockReplicationError('lock "jobs"', 2, 1, 100),
      code: 'COORDIS_LOCK_NOT_REPLICATED',
      guard: isLockReplicationError,
      fix: /INFO replication/,
    },
    {
      error: new LockKeyTypeError('lock on KV_LOCK_TASK', new Error('WRONGTYPE')),
      code: 'COORDIS_LOCK_WRONG_TYPE',
      guard: isLockKeyTypeError,
      fix: /Stalwart/,
    },
  ];

  it('are coordis errors with stable codes that survive serialisation', () => {
    for (const { error, code } of cases) {
      expect(error).toBeInstanceOf(CoordisError);
      expect(isCoordisError(error)).toBe(true);
      expect(error.code).toBe(code);
      expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code, name: error.name });
    }
  });

  it('each have a type guard that accepts only their own kind', () => {
    for (const { error, guard } of cases) {
      expect(cases.filter((c) => guard(c.error)).map((c) => c.error)).toEqual([error]);
      expect(guard(new Error(error.message))).toBe(false);
    }
  });

  it('say what to do in their message', () => {
    for (const { error, fix } of cases) expect(error.message).toMatch(fix);
  });

  it('carry the abort reason on an aborted acquire', () => {
    const e = new LockAbortedError('lock "jobs"', reason);
    expect(e.reason).toBe(reason);
    expect(e.cause).toBe(reason);
  });

  it('tell a lease that ran out from one the lock no longer records', () => {
    expect(new LockLostError('l', 'expired', 1).message).toMatch(/ran out/);
    expect(new LockLostError('l', 'not-owner', 1).message).toMatch(/no longer records/);
  });
});
