import { ConnectionUnavailableError, OutOfMemoryError, UnknownOutcomeError } from '@coordis/client';
import { describe, expect, it } from 'vitest';
import { DeadlineError, isUnavailable, withDeadline } from '../src/unavailable.js';

describe('isUnavailable', () => {
  it('is true for what says Redis could not answer', () => {
    for (const e of [
      new DeadlineError(10),
      new ConnectionUnavailableError('EVALSHA', 500),
      new UnknownOutcomeError('evalsha', 'connection closed'),
      new OutOfMemoryError(new Error('OOM command not allowed')),
      new Error('Connection is closed.'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }),
      Object.assign(new Error('CLUSTERDOWN The cluster is down'), { name: 'ReplyError' }),
    ]) {
      expect(isUnavailable(e), e.message).toBe(true);
    }
  });

  it('is false for bugs, which must surface', () => {
    for (const e of [
      new Error('WRONGTYPE Operation against a key holding the wrong kind of value'),
      new Error('ERR Error running script'),
      new TypeError('x is not a function'),
      'a string',
    ]) {
      expect(isUnavailable(e)).toBe(false);
    }
  });
});

describe('withDeadline', () => {
  it('rejects with DeadlineError when the promise takes longer', async () => {
    await expect(withDeadline(new Promise(() => {}), 5)).rejects.toBeInstanceOf(DeadlineError);
  });

  it('resolves with the value when it comes in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000)).resolves.toBe(7);
  });
});
