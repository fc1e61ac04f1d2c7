import { describe, expect, it } from 'vitest';
import { appendfsync } from '../src/checks/appendfsync.js';
import { persistenceEnabled } from '../src/checks/persistence-enabled.js';
import { persistenceLastWrite } from '../src/checks/persistence-last-write.js';
import { replicatedPrimary } from '../src/checks/replicated-primary.js';
import { ctxFor, dataNode } from './support/facts.js';

describe('persistence.enabled', () => {
  it('fails with neither AOF nor RDB save rules', () => {
    const node = dataNode({ info: { aof_enabled: 0 }, config: { save: '' } });
    expect(persistenceEnabled.judge(node, ctxFor(node))?.status).toBe('fail');
  });

  it('passes AOF from INFO alone, without CONFIG', () => {
    const node = dataNode({ info: { aof_enabled: 1 }, config: { save: null } });
    expect(persistenceEnabled.judge(node, ctxFor(node))?.status).toBe('pass');
  });

  it('passes RDB save rules', () => {
    const node = dataNode({ info: { aof_enabled: 0 }, config: { save: '3600 1 300 100' } });
    expect(persistenceEnabled.judge(node, ctxFor(node))?.status).toBe('pass');
  });

  it('skips (never passes) when AOF is off and CONFIG GET save is refused, with the fix to allow it', () => {
    const node = dataNode({ info: { aof_enabled: 0 }, config: { save: null } });
    const v = persistenceEnabled.judge(node, ctxFor(node));
    expect(v?.status).toBe('skip');
    expect(v?.fix).toMatch(/\+config\|get/);
  });

  it('gives the provider console instead of ACL advice on a managed service', () => {
    const node = dataNode({ address: 'my.redis.cache.windows.net:6380', info: { aof_enabled: 0 }, config: { save: null } });
    expect(persistenceEnabled.judge(node, ctxFor(node))?.fix).toMatch(/Azure portal/);
  });

  it('passes no persistence for a cache', () => {
    const node = dataNode({ info: { aof_enabled: 0 }, config: { save: '' } });
    expect(persistenceEnabled.judge(node, ctxFor(node, 'cache'))?.status).toBe('pass');
  });
});

describe('persistence.last-write', () => {
  it('fails a failed bgsave and says writes fail with MISCONF', () => {
    const node = dataNode({
      info: { rdb_last_bgsave_status: 'err', aof_last_bgrewrite_status: 'ok' },
      config: { 'stop-writes-on-bgsave-error': 'yes' },
    });
    const v = persistenceLastWrite.judge(node, ctxFor(node));
    expect(v?.status).toBe('fail');
    expect(v?.observed).toMatch(/MISCONF/);
  });

  it('fails a failed AOF write', () => {
    const node = dataNode({ info: { rdb_last_bgsave_status: 'ok', aof_last_write_status: 'err' } });
    expect(persistenceLastWrite.judge(node, ctxFor(node))?.status).toBe('fail');
  });

  it('only warns a cache whose failed save does not stop writes', () => {
    const node = dataNode({ info: { rdb_last_bgsave_status: 'err' }, config: { 'stop-writes-on-bgsave-error': 'no' } });
    expect(persistenceLastWrite.judge(node, ctxFor(node, 'cache'))?.status).toBe('warn');
  });

  it('passes when every status is ok', () => {
    const node = dataNode({ info: { rdb_last_bgsave_status: 'ok', aof_last_bgrewrite_status: 'ok', aof_last_write_status: 'ok' } });
    expect(persistenceLastWrite.judge(node, ctxFor(node))?.status).toBe('pass');
  });
});

describe('persistence.appendfsync', () => {
  it('warns appendfsync no', () => {
    const node = dataNode({ info: { aof_enabled: 1 }, config: { appendfsync: 'no' } });
    expect(appendfsync.judge(node, ctxFor(node))?.status).toBe('warn');
  });

  it('passes everysec and always', () => {
    for (const value of ['everysec', 'always']) {
      const node = dataNode({ info: { aof_enabled: 1 }, config: { appendfsync: value } });
      expect(appendfsync.judge(node, ctxFor(node))?.status).toBe('pass');
    }
  });

  it('does not apply with AOF off', () => {
    const node = dataNode({ info: { aof_enabled: 0 }, config: { appendfsync: 'no' } });
    expect(appendfsync.judge(node, ctxFor(node))).toBeUndefined();
  });
});

describe('persistence.replicated-primary', () => {
  it('fails a primary with replicas and no persistence', () => {
    const node = dataNode({ info: { role: 'master', connected_slaves: 2, aof_enabled: 0 }, config: { save: '' } });
    const v = replicatedPrimary.judge(node, ctxFor(node));
    expect(v?.status).toBe('fail');
    expect(v?.observed).toMatch(/empty dataset/);
  });

  it('does not apply to a primary without replicas', () => {
    const node = dataNode({ info: { role: 'master', connected_slaves: 0, aof_enabled: 0 }, config: { save: '' } });
    expect(replicatedPrimary.judge(node, ctxFor(node))).toBeUndefined();
  });

  it('passes a primary with replicas and AOF', () => {
    const node = dataNode({ info: { role: 'master', connected_slaves: 1, aof_enabled: 1 } });
    expect(replicatedPrimary.judge(node, ctxFor(node))?.status).toBe('pass');
  });
});
