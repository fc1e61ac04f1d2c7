import { describe, expect, it } from 'vitest';
import { classifyReplyError, isIdempotent, mayResend, mayWrite } from '../src/delivery.js';

describe('classifyReplyError', () => {
  it.each([
    ["READONLY You can't write against a read only replica.", 'not-primary'],
    ['MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no.', 'not-primary'],
    ['LOADING Redis is loading the dataset in memory', 'not-now'],
    ['BUSY Redis is busy running a script.', 'not-now'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'not-now'],
    ['NOREPLICAS Not enough good replicas to write.', 'not-now'],
    ["OOM command not allowed when used memory > 'maxmemory'.", 'oom'],
    ['ERR wrong number of arguments', 'other'],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'other'],
    ['READONLYX not a real prefix', 'other'],
  ])('%s → %s', (message, kind) => {
    expect(classifyReplyError(message)).toBe(kind);
  });
});

describe('delivery decisions', () => {
  it('resends reads and refuses writes under safe', () => {
    expect(mayResend('safe', 'get', false)).toBe(true);
    expect(mayResend('safe', 'mget', false)).toBe(true);
    expect(mayResend('safe', 'ping', false)).toBe(true);
    expect(mayResend('safe', 'incr', false)).toBe(false);
    expect(mayResend('safe', 'set', false)).toBe(false);
    expect(mayResend('safe', 'evalsha', false)).toBe(false);
  });

  it('never splits a transaction under safe, even for reads', () => {
    expect(mayResend('safe', 'get', true)).toBe(false);
    expect(mayResend('safe', 'multi', false)).toBe(false);
    expect(mayResend('safe', 'exec', false)).toBe(false);
  });

  it('resends everything under always and nothing under never', () => {
    expect(mayResend('always', 'incr', true)).toBe(true);
    expect(mayResend('never', 'get', false)).toBe(false);
  });

  it('knows which commands write', () => {
    expect(mayWrite('set')).toBe(true);
    expect(mayWrite('evalsha')).toBe(true);
    expect(mayWrite('coordis_lock_acquire')).toBe(true);
    expect(mayWrite('get')).toBe(false);
    expect(isIdempotent('eval_ro')).toBe(true);
  });
});
