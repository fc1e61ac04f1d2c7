import { ConnectionUnavailableError, OutOfMemoryError, UnknownOutcomeError } from '@coordis/client';
import { describe, expect, it } from 'vitest';
import { isRetryable, mayHaveApplied } from '../src/attempt-errors.js';

describe('acquire attempt errors', () => {
  it('retries a command whose connection died, and knows it may have been applied', () => {
    const e = new UnknownOutcomeError('evalsha', 'the connection closed');
    expect(isRetryable(e)).toBe(true);
    expect(mayHaveApplied(e)).toBe(true);
  });

  it('retries a command that could not be sent, which cannot have been applied', () => {
    const e = new ConnectionUnavailableError('EVALSHA', 15_000);
    expect(isRetryable(e)).toBe(true);
    expect(mayHaveApplied(e)).toBe(false);
  });

  it('does not retry errors that another attempt would repeat', () => {
    expect(isRetryable(new OutOfMemoryError(new Error('OOM')))).toBe(false);
    expect(isRetryable(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
  });

  it('treats a plain ioredis connection loss as possibly applied', () => {
    expect(mayHaveApplied(new Error('Connection is closed.'))).toBe(true);
    expect(mayHaveApplied(new Error('ERR unknown command'))).toBe(false);
  });
});
