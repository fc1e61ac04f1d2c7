import { describe, expect, it } from 'vitest';
import { aclAllows, dangerousAllowed } from '../src/acl-rules.js';
import { isLoopbackHost, publicBindAddresses } from '../src/address.js';
import { judgeAcl } from '../src/checks/app-user-acl.js';
import { judgeDefaultUser } from '../src/checks/default-user.js';
import { judgeProtectedMode } from '../src/checks/protected-mode.js';
import { judgeTransport } from '../src/checks/transport-tls.js';

// No test may listen beyond loopback, so the non-loopback verdicts are proven on the facts a
// real run would collect (the integration tests prove the same facts are collected).
describe('security.default-user', () => {
  it('fails no password on a non-loopback host', () => {
    const v = judgeDefaultUser({ open: true, host: '10.1.2.3', bind: '10.1.2.3' });
    expect(v.status).toBe('fail');
    expect(v.observed).toMatch(/replica of an attacker/);
  });

  it('fails no password when it binds every interface, even if reached on loopback', () => {
    expect(judgeDefaultUser({ open: true, host: '127.0.0.1', bind: '* -::*' }).status).toBe('fail');
    expect(judgeDefaultUser({ open: true, host: '127.0.0.1', bind: '0.0.0.0' }).status).toBe('fail');
  });

  it('passes no password on a loopback-only node', () => {
    expect(judgeDefaultUser({ open: true, host: '127.0.0.1', bind: '127.0.0.1 -::1' }).status).toBe('pass');
  });

  it('warns no password on loopback when bind cannot be read', () => {
    expect(judgeDefaultUser({ open: true, host: '127.0.0.1', bind: undefined }).status).toBe('warn');
  });

  it('passes when unauthenticated connections are refused', () => {
    expect(judgeDefaultUser({ open: false, host: '10.1.2.3', bind: '0.0.0.0' }).status).toBe('pass');
  });
});

describe('security.protected-mode', () => {
  it('warns protected-mode no with a public bind', () => {
    expect(judgeProtectedMode('no', '0.0.0.0', 'x').status).toBe('warn');
    expect(judgeProtectedMode('no', '', 'x').status).toBe('warn');
  });

  it('passes protected-mode no on loopback, and protected-mode yes anywhere', () => {
    expect(judgeProtectedMode('no', '127.0.0.1 -::1', 'x').status).toBe('pass');
    expect(judgeProtectedMode('yes', '0.0.0.0', 'x').status).toBe('pass');
  });
});

describe('security.tls', () => {
  it('warns plaintext to a non-loopback host and passes loopback or TLS', () => {
    expect(judgeTransport(['10.0.0.1:6379'], false).status).toBe('warn');
    expect(judgeTransport([], false).status).toBe('pass');
    expect(judgeTransport([], true).observed).toBe('TLS');
  });
});

describe('security.acl', () => {
  it('evaluates rules left to right, the last match winning', () => {
    expect(aclAllows('+@all', 'config', 'set')).toBe(true);
    expect(aclAllows('+@all -@admin', 'config', 'set')).toBe(false);
    expect(aclAllows('+@all -@admin +config|get', 'config', 'set')).toBe(false);
    expect(aclAllows('+@all -@admin +config|get', 'config', 'get')).toBe(true);
    expect(aclAllows('-@all +config', 'config', 'set')).toBe(true);
    expect(aclAllows('+@all -config', 'config', 'set')).toBe(false);
    expect(aclAllows('+@all -config', 'module', 'load')).toBe(true);
    expect(aclAllows('allcommands -@dangerous', 'module', 'load')).toBe(false);
  });

  it('warns an application user allowed CONFIG or MODULE', () => {
    const v = judgeAcl('app', '+@all -config');
    expect(v.status).toBe('warn');
    expect(v.observed).toContain('MODULE LOAD');
  });

  it('passes a user without admin rights', () => {
    expect(dangerousAllowed('-@all +@read +@write +@pubsub +@scripting +info')).toEqual([]);
    expect(judgeAcl('app', '+@all -@admin -@dangerous +info +config|get').status).toBe('pass');
  });
});

describe('addresses', () => {
  it('knows loopback from the rest', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', 'localhost', '/run/redis.sock']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['10.0.0.1', '0.0.0.0', 'redis.example.com', '::']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('lists the public addresses of a bind', () => {
    expect(publicBindAddresses('127.0.0.1 -::1')).toEqual([]);
    expect(publicBindAddresses('* -::*')).toEqual(['*', '::*']);
    expect(publicBindAddresses('')).toEqual(['*']);
  });
});
