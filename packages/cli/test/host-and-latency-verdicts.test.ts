import { describe, expect, it } from 'vitest';
import { judgeClientOptions } from '../src/checks/client-options.js';
import { judgeOvercommit } from '../src/checks/host-overcommit.js';
import { judgeSwap } from '../src/checks/host-swap.js';
import { judgeThp } from '../src/checks/host-thp.js';
import { judgeConnect } from '../src/checks/latency-connect.js';
import { judgeLatency } from '../src/checks/latency-ping.js';
import { judgeTcpRetries } from '../src/checks/tcp-retries.js';
import { procKb, selectedChoice } from '../src/host-facts.js';
import { percentile, summarizeLatency } from '../src/latency-sample.js';

const t = { passP50Ms: 1, warnP50Ms: 5, warnP99Ms: 10 };

describe('latency.ping', () => {
  it('judges on p50 (< 1 ms pass, < 5 ms warn, else fail) and warns a p99 above 10 ms', () => {
    expect(judgeLatency({ samples: 100, p50Ms: 0.2, p99Ms: 0.5, maxMs: 1 }, t).status).toBe('pass');
    expect(judgeLatency({ samples: 100, p50Ms: 2, p99Ms: 3, maxMs: 4 }, t).status).toBe('warn');
    expect(judgeLatency({ samples: 100, p50Ms: 6, p99Ms: 8, maxMs: 9 }, t).status).toBe('fail');
    expect(judgeLatency({ samples: 100, p50Ms: 0.2, p99Ms: 40, maxMs: 80 }, t).status).toBe('warn');
  });

  it('computes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(summarizeLatency([3, 1, 2])).toEqual({ samples: 3, p50Ms: 2, p99Ms: 3, maxMs: 3 });
  });
});

describe('latency.connect', () => {
  it('reports TCP, TLS and AUTH apart and warns a slow reconnect', () => {
    const v = judgeConnect({ tcpMs: 40, tlsMs: 70, authMs: 20, pingMs: 20 }, 100);
    expect(v.status).toBe('warn');
    expect(v.observed).toMatch(/TCP 40 ms, TLS 70 ms, AUTH 20 ms/);
    expect(judgeConnect({ tcpMs: 0.2, tlsMs: undefined, authMs: 0.1, pingMs: 0.1 }, 100).status).toBe('pass');
  });
});

describe('host checks', () => {
  it('warns vm.overcommit_memory other than 1', () => {
    expect(judgeOvercommit('0').status).toBe('warn');
    expect(judgeOvercommit('1').status).toBe('pass');
  });

  it('warns THP always only where Redis does not turn it off itself', () => {
    expect(selectedChoice('[always] madvise never')).toBe('always');
    expect(judgeThp('always', '6.0.9').status).toBe('warn');
    expect(judgeThp('always', '7.0.15').status).toBe('pass');
    expect(judgeThp('madvise', '6.0.9').status).toBe('pass');
  });

  it('warns a swapped-out Redis', () => {
    expect(procKb('Name:\tredis-server\nVmSwap:\t    2048 kB\n', 'VmSwap')).toBe(2048 * 1024);
    expect(judgeSwap(2048 * 1024).status).toBe('warn');
    expect(judgeSwap(0).status).toBe('pass');
  });

  it("warns the Linux default tcp_retries2 of 15 on the client's host", () => {
    expect(judgeTcpRetries(15, 5).status).toBe('warn');
    expect(judgeTcpRetries(5, 5).status).toBe('pass');
  });
});

describe('client.options', () => {
  it('fails an ioredis client without keepalive', () => {
    expect(judgeClientOptions({ keepAlive: 0, connectTimeout: 10_000, maxRetriesPerRequest: 20 }, 'ioredis').status).toBe('fail');
  });

  it('warns unbounded waits and passes sane settings', () => {
    expect(judgeClientOptions({ keepAlive: 30_000, connectTimeout: 10_000, maxRetriesPerRequest: null }, 'ioredis').status).toBe('warn');
    expect(judgeClientOptions({ keepAlive: 30_000, connectTimeout: 10_000, maxRetriesPerRequest: 20 }, 'ioredis').status).toBe('pass');
  });

  it('passes a CoordisClient, whose waits are bounded by its own deadlines', () => {
    expect(judgeClientOptions({ keepAlive: 15_000, connectTimeout: 5_000, maxRetriesPerRequest: null }, 'coordis').status).toBe('pass');
  });
});
