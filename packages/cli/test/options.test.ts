import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/catalogue.js';
import { targetFromUrl } from '../src/doctor-target.js';
import { DoctorOptionsError } from '../src/errors.js';
import { runDoctor } from '../src/run-doctor.js';
import { selectChecks } from '../src/select-checks.js';
import { parseThresholdArg, resolveThresholds } from '../src/thresholds.js';

describe('check selection', () => {
  it('includes ids and groups', () => {
    const ids = selectChecks(CATALOGUE, ['memory', 'sentinel.ckquorum']).map((c) => c.id);
    expect(ids).toEqual(['memory.eviction-policy', 'memory.evictions', 'memory.usage', 'sentinel.ckquorum']);
  });

  it('excludes with a leading dash and keeps the rest', () => {
    const ids = selectChecks(CATALOGUE, ['-host', '-client-host']).map((c) => c.id);
    expect(ids).not.toContain('host.overcommit');
    expect(ids).not.toContain('client-host.tcp-retries2');
    expect(ids).toContain('memory.usage');
  });

  it('refuses a selector that names no check', () => {
    expect(() => selectChecks(CATALOGUE, ['memroy'])).toThrow(DoctorOptionsError);
  });
});

describe('thresholds', () => {
  it('overrides one value and keeps the others', () => {
    const t = resolveThresholds({ 'memory.usage': { warnPct: 70 } });
    expect(t['memory.usage']).toEqual({ warnPct: 70, failPct: 90 });
  });

  it('parses --threshold id.key=value', () => {
    expect(parseThresholdArg('replication.lag.failS=120')).toEqual({ 'replication.lag': { failS: 120 } });
  });

  it('refuses unknown checks and keys and non-numbers', () => {
    expect(() => resolveThresholds({ 'memory.nope': { x: 1 } } as never)).toThrow(/no check "memory.nope"/);
    expect(() => resolveThresholds({ 'memory.usage': { nope: 1 } } as never)).toThrow(/no threshold "nope"/);
    expect(() => parseThresholdArg('memory.usage.warnPct=lots')).toThrow(DoctorOptionsError);
  });
});

describe('targets', () => {
  it('reads a Sentinel URL with its credentials apart and describes it without them', () => {
    const t = targetFromUrl('redis-sentinel://app:s3cret@10.0.0.1,10.0.0.2:26380/?name=mail&sentinelPassword=sp4ss');
    expect(t.kind).toBe('sentinel');
    expect(t.description).not.toContain('s3cret');
    expect(t.description).not.toContain('sp4ss');
    if (t.kind !== 'sentinel') throw new Error('not sentinel');
    expect(t.sentinels).toEqual([
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
    ]);
    expect(t.sentinelCreds.password?.reveal()).toBe('sp4ss');
  });

  it('reads redis+cluster:// as seeds tried in order', () => {
    const t = targetFromUrl('redis+cluster://:pw@127.0.0.1:7000,127.0.0.1:7001');
    if (t.kind !== 'direct') throw new Error('not direct');
    expect(t.node).toEqual({ host: '127.0.0.1', port: 7000 });
    expect(t.fallbacks).toEqual([{ host: '127.0.0.1', port: 7001 }]);
    expect(t.description).toBe('redis+cluster://:[redacted]@127.0.0.1:7000,127.0.0.1:7001');
  });

  it('turns a bad URL into an options error that does not quote the password', () => {
    let caught: unknown;
    try {
      targetFromUrl('redis://:hunter2@host:99999');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DoctorOptionsError);
    expect(String((caught as Error).message)).not.toContain('hunter2');
  });

  it('rejects bad options before connecting anywhere', async () => {
    await expect(runDoctor({ url: 'redis://127.0.0.1:1', profile: 'batch' as never })).rejects.toThrow(/profile "batch"/);
    await expect(runDoctor({ url: 'redis://127.0.0.1:1', timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
    await expect(runDoctor({})).rejects.toThrow(DoctorOptionsError);
  });
});
