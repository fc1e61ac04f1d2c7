import { describe, expect, it } from 'vitest';
import { judgeEngine } from '../src/checks/engine-version.js';
import { configRefusedFix, detectEngine, settingFix } from '../src/engine.js';
import { parseInfo } from '../src/info.js';

const info = (fields: Record<string, string>) =>
  parseInfo(
    Object.entries(fields)
      .map(([k, v]) => `${k}:${v}`)
      .join('\n'),
  );

describe('engine detection', () => {
  it('tells engines apart by the INFO fields each adds', () => {
    expect(detectEngine(info({ redis_version: '7.2.4', valkey_version: '8.0.1', server_name: 'valkey' }), 'h').name).toBe('valkey');
    expect(detectEngine(info({ redis_version: '6.2.0', dragonfly_version: 'df-v1.20.0' }), 'h')).toMatchObject({
      name: 'dragonfly',
      version: '1.20.0',
    });
    expect(detectEngine(info({ redis_version: '6.3.2', mvcc_depth: '0' }), 'h').name).toBe('keydb');
    expect(detectEngine(info({ redis_version: '6.2.6', upstash_version: '1.10.0' }), 'h').provider).toBe('upstash');
    expect(detectEngine(info({ redis_version: '7.0.7' }), 'h').name).toBe('redis');
  });

  it('tells providers apart by INFO os and host name', () => {
    expect(detectEngine(info({ redis_version: '7.1.0', os: 'Amazon ElastiCache' }), 'h').provider).toBe('elasticache');
    expect(detectEngine(info({ redis_version: '7.0.7' }), 'x.redis.cache.windows.net').provider).toBe('azure');
    expect(detectEngine(info({ redis_version: '7.2.0', maxmemory_policy: '' }), 'h').provider).toBe('redis-cloud');
    expect(detectEngine(info({ redis_version: '7.2.0' }), '10.0.0.3', 'memorystore').provider).toBe('memorystore');
  });

  it('words the fix for where the setting lives', () => {
    expect(settingFix('elasticache', 'tcp-keepalive', '300')).toMatch(/parameter group/);
    expect(settingFix('memorystore', 'maxmemory-policy', 'noeviction')).toMatch(/gcloud redis instances update/);
    expect(settingFix('self-hosted', 'tcp-keepalive', '300')).toMatch(/^CONFIG SET tcp-keepalive 300/);
    expect(configRefusedFix('azure', 'save')).toMatch(/Azure portal/);
  });
});

describe('server.engine', () => {
  it('fails Redis below 6, warns 6.0–6.1, passes 6.2 and later', () => {
    expect(judgeEngine({ name: 'redis', version: '5.0.14', provider: 'self-hosted' }).status).toBe('fail');
    expect(judgeEngine({ name: 'redis', version: '6.0.16', provider: 'self-hosted' }).status).toBe('warn');
    expect(judgeEngine({ name: 'redis', version: '6.2.14', provider: 'self-hosted' }).status).toBe('pass');
    expect(judgeEngine({ name: 'redis', version: '7.0.15', provider: 'elasticache' }).observed).toMatch(/volatile-lru/);
  });

  it('warns KeyDB and Upstash, passes Valkey and Dragonfly', () => {
    expect(judgeEngine({ name: 'keydb', version: '6.3.4', provider: 'self-hosted' }).status).toBe('warn');
    expect(judgeEngine({ name: 'upstash', version: '1.10', provider: 'upstash' }).status).toBe('warn');
    expect(judgeEngine({ name: 'valkey', version: '8.0.1', provider: 'self-hosted' }).status).toBe('pass');
    expect(judgeEngine({ name: 'dragonfly', version: '1.20.0', provider: 'self-hosted' }).status).toBe('pass');
  });
});
