import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateCertificates,
  listTestkitServers,
  RedisServerNotFoundError,
  type StandaloneTopology,
  startStandalone,
  TestkitOptionsError,
} from '../src/index.js';
import { findRedisServer } from '../src/redis-binary.js';

function client(url: string, extra: Omit<RedisOptions, 'replyMapping'> = {}): Redis {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, ...extra });
  r.on('error', () => {});
  return r;
}

/** The error a connection attempt fails with (ioredis rejects connect() generically). */
async function connectError(r: Redis): Promise<string> {
  const first = new Promise<string>((resolve) => r.once('error', (e: Error) => resolve(e.message)));
  await r.connect().catch(() => {});
  const message = await first;
  r.disconnect();
  return message;
}

describe('startStandalone', () => {
  let s: StandaloneTopology;
  beforeAll(async () => {
    s = await startStandalone({ config: { 'maxmemory-policy': 'noeviction', 'tcp-keepalive': 60 } });
  });
  afterAll(() => s.stop());

  it('answers on a loopback port through its URL', async () => {
    expect(s.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const r = client(s.url);
    await r.connect();
    expect(await r.ping()).toBe('PONG');
    r.disconnect();
  });

  it('passes config directives through to the server', async () => {
    expect(await s.node.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await s.node.call('CONFIG', 'GET', 'tcp-keepalive')).toEqual(['tcp-keepalive', '60']);
  });

  it('runs in its own directory with persistence off by default', async () => {
    expect(existsSync(s.node.dir)).toBe(true);
    expect(await s.node.call('CONFIG', 'GET', 'dir')).toEqual(['dir', s.node.dir]);
    expect(await s.node.call('CONFIG', 'GET', 'save')).toEqual(['save', '']);
  });

  it('tags its process title so strays can be found', async () => {
    const { readFileSync } = await import('node:fs');
    const run = process.env.COORDIS_TESTKIT_RUN;
    expect(run).toMatch(/^[0-9a-f]{12}$/);
    expect(readFileSync(`/proc/${s.node.pid}/cmdline`, 'utf8')).toContain(`coordis-testkit:${run}:${process.pid}`);
    expect(listTestkitServers({ run }).map((p) => p.pid)).toContain(s.node.pid);
  });
});

describe('startStandalone with credentials', () => {
  it('requires the password and accepts ACL users, putting the chosen user in the URL', async () => {
    await using s = await startStandalone({
      password: 'p@ss word',
      users: [{ name: 'app', password: 'app-secret', rules: '~app:* +@all' }],
      urlUser: 'app',
    });
    expect(s.url).toContain('app:app-secret@');
    expect(await connectError(client(s.url.replace(/\/\/[^@]+@/, '//')))).toMatch(/NOAUTH/);
    const app = client(s.url);
    await app.connect();
    expect(await app.set('app:k', '1')).toBe('OK');
    await expect(app.set('other', '1')).rejects.toThrow(/NOPERM/);
    app.disconnect();
    const admin = client(s.node.url);
    await admin.connect();
    expect(await admin.call('ACL', 'WHOAMI')).toBe('default');
    admin.disconnect();
  });

  it('rejects a urlUser that is not among the users', async () => {
    await expect(startStandalone({ urlUser: 'ghost' })).rejects.toBeInstanceOf(TestkitOptionsError);
  });

  it('refuses a non-loopback host', async () => {
    await expect(startStandalone({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});

describe('startStandalone with TLS', () => {
  it('serves rediss:// with a generated CA and rejects a client that trusts another CA', async () => {
    await using s = await startStandalone({ tls: true });
    expect(s.url).toMatch(/^rediss:\/\//);
    const tls = s.tls;
    if (!tls) throw new Error('expected TLS material');
    const good = client(s.url, { tls: { ca: tls.ca } });
    await good.connect();
    expect(await good.ping()).toBe('PONG');
    good.disconnect();
    const other = await generateCertificates();
    expect(await connectError(client(s.url, { tls: { ca: other.ca } }))).toMatch(/certificate/i);
  });
});

describe('findRedisServer', () => {
  it('names REDIS_SERVER_BIN and apt-get when redis-server is not on PATH', () => {
    expect(() => findRedisServer({ PATH: '/nonexistent' })).toThrow(RedisServerNotFoundError);
    expect(() => findRedisServer({ PATH: '/nonexistent' })).toThrow(/REDIS_SERVER_BIN.*|apt-get install redis-server/);
    try {
      findRedisServer({ PATH: '' });
    } catch (e) {
      expect((e as Error).message).toContain('REDIS_SERVER_BIN');
      expect((e as Error).message).toContain('apt-get install redis-server');
      expect((e as RedisServerNotFoundError).code).toBe('TESTKIT_REDIS_SERVER_NOT_FOUND');
    }
  });

  it('rejects a REDIS_SERVER_BIN that is not executable', () => {
    const notExecutable = join(mkdtempSync(join(tmpdir(), 'coordis-testkit-bin-')), 'redis-server');
    writeFileSync(notExecutable, 'not a program', { mode: 0o644 });
    expect(() => findRedisServer({ REDIS_SERVER_BIN: notExecutable })).toThrow(`REDIS_SERVER_BIN=${notExecutable}`);
    rmSync(dirname(notExecutable), { recursive: true });
  });

  it('reads the version of the binary it found', () => {
    const bin = findRedisServer();
    expect(bin.major).toBeGreaterThanOrEqual(7);
  });
});

describe('parallel starts', () => {
  it('give every server its own port', async () => {
    const servers = await Promise.all(Array.from({ length: 8 }, () => startStandalone()));
    try {
      expect(new Set(servers.map((s) => s.node.port)).size).toBe(8);
      for (const s of servers) expect(await s.node.call('PING')).toBe('PONG');
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});
