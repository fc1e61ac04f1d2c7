import { describe, expect, it } from 'vitest';
import { evictionPolicy, judgeEvictionPolicy } from '../src/checks/eviction-policy.js';
import { evictions } from '../src/checks/evictions.js';
import { judgeMemoryUsage, memoryUsage } from '../src/checks/memory-usage.js';
import { ctxFor, dataNode } from './support/facts.js';

const fix = (v: string) => `CONFIG SET maxmemory-policy ${v}`;
const MB = 1024 * 1024;

describe('memory.eviction-policy', () => {
  it('passes noeviction for coordination', () => {
    expect(judgeEvictionPolicy('noeviction', 100 * MB, 'coordination', fix).status).toBe('pass');
  });

  it('fails every allkeys-* policy for coordination and queue', () => {
    for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'allkeys-lrm']) {
      expect(judgeEvictionPolicy(policy, 100 * MB, 'coordination', fix).status).toBe('fail');
      expect(judgeEvictionPolicy(policy, 100 * MB, 'queue', fix).status).toBe('fail');
    }
  });

  it('fails volatile-* with maxmemory for coordination, because lock keys carry TTLs', () => {
    const v = judgeEvictionPolicy('volatile-lru', 100 * MB, 'coordination', fix);
    expect(v.status).toBe('fail');
    expect(v.observed).toMatch(/TTL/);
    expect(v.fix).toBe('CONFIG SET maxmemory-policy noeviction');
  });

  it('warns volatile-* without maxmemory for coordination', () => {
    expect(judgeEvictionPolicy('volatile-ttl', 0, 'coordination', fix).status).toBe('warn');
  });

  it('warns volatile-* for a queue', () => {
    expect(judgeEvictionPolicy('volatile-lru', 100 * MB, 'queue', fix).status).toBe('warn');
  });

  it('inverts the verdict for a cache: noeviction warns, evicting policies pass', () => {
    expect(judgeEvictionPolicy('noeviction', 100 * MB, 'cache', fix).status).toBe('warn');
    expect(judgeEvictionPolicy('allkeys-lru', 100 * MB, 'cache', fix).status).toBe('pass');
    expect(judgeEvictionPolicy('volatile-lru', 100 * MB, 'cache', fix).status).toBe('pass');
  });

  it('skips when the policy is not exposed (Redis Enterprise)', () => {
    const node = dataNode({ info: { maxmemory_policy: '' } });
    expect(evictionPolicy.judge(node, ctxFor(node))?.status).toBe('skip');
  });

  it('reads the policy from INFO, so it is judged where CONFIG is refused', () => {
    const node = dataNode({ info: { maxmemory_policy: 'allkeys-lru', maxmemory: 0 }, config: { save: null } });
    expect(evictionPolicy.judge(node, ctxFor(node))?.status).toBe('fail');
  });

  it('names the parameter group in the fix on ElastiCache', () => {
    const node = dataNode({ info: { maxmemory_policy: 'volatile-lru', maxmemory: 100 * MB, os: 'Amazon ElastiCache' } });
    expect(evictionPolicy.judge(node, ctxFor(node))?.fix).toMatch(/parameter group/);
  });
});

describe('memory.evictions', () => {
  it('fails when keys were evicted', () => {
    const node = dataNode({ info: { evicted_keys: 12 } });
    expect(evictions.judge(node, ctxFor(node))?.status).toBe('fail');
  });

  it('passes with none evicted', () => {
    const node = dataNode({ info: { evicted_keys: 0 } });
    expect(evictions.judge(node, ctxFor(node))?.status).toBe('pass');
  });

  it('passes evictions for a cache', () => {
    const node = dataNode({ info: { evicted_keys: 12 } });
    expect(evictions.judge(node, ctxFor(node, 'cache'))?.status).toBe('pass');
  });
});

describe('memory.usage', () => {
  const t = { warnPct: 80, failPct: 90 };

  it('passes below 80%, warns below 90%, fails above', () => {
    expect(judgeMemoryUsage(79 * MB, 100 * MB, undefined, 'coordination', t, 'x').status).toBe('pass');
    expect(judgeMemoryUsage(85 * MB, 100 * MB, undefined, 'coordination', t, 'x').status).toBe('warn');
    expect(judgeMemoryUsage(95 * MB, 100 * MB, undefined, 'coordination', t, 'x').status).toBe('fail');
  });

  it('warns when no maxmemory is set', () => {
    const v = judgeMemoryUsage(10 * MB, 0, 1024 * MB, 'coordination', t, 'x');
    expect(v.status).toBe('warn');
    expect(v.observed).toMatch(/OOM killer/);
  });

  it('takes overridden thresholds', () => {
    const node = dataNode({ info: { used_memory: 75 * MB, maxmemory: 100 * MB } });
    expect(memoryUsage.judge(node, ctxFor(node, 'coordination', { 'memory.usage': { warnPct: 70 } }))?.status).toBe('warn');
  });

  it('lets a cache fill up', () => {
    expect(judgeMemoryUsage(99 * MB, 100 * MB, undefined, 'cache', t, 'x').status).toBe('pass');
  });
});
