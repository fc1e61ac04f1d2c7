import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { generateCertificates, startSentinel, startStandalone } from '@coordis/testkit';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConnectionUnavailableError,
  connect,
  connectionFromEnv,
  DurabilityError,
  LuaScript,
  MasterNameUnknownError,
  MasterUnreachableError,
  OutOfMemoryError,
  SentinelsUnreachableError,
  TlsError,
} from '../src/index.js';
import { captureLogs, rejection } from './support/capture.js';

const SECRET = 'Pa55-word!';
const SENTINEL_SECRET = 'S3ntinel-pw';

describe('connect() to a standalone server', () => {
  it('connects with an ACL user and password, and no secret appears in inspect, JSON or logs', async () => {
    await using s = await startStandalone({ password: SECRET, users: [{ name: 'app', password: SECRET }], urlUser: 'app' });
    const logs = captureLogs();
    const client = await connect(s.url, { logger: logs.logger });
    try {
      expect(await client.call('ACL', ['WHOAMI'])).toBe('app');
      expect(await client.set('k', 'v')).toBe('OK');
      expect(inspect(client, { depth: 5 })).not.toContain(SECRET);
      expect(inspect(client.options, { depth: 5 })).not.toContain(SECRET);
      expect(JSON.stringify(client.options)).not.toContain(SECRET);
      const dup = client.duplicate();
      await dup.ping();
      expect(await dup.call('ACL', ['WHOAMI'])).toBe('app');
      dup.disconnect();
    } finally {
      await client.quit();
    }
    expect(logs.text()).toContain('ready');
    expect(logs.text()).not.toContain(SECRET);
  });

  it('rejects a wrong password at once with AuthError naming the data node, without the password', async () => {
    await using s = await startStandalone({ password: SECRET });
    const e = await rejection(connect(s.url.replace(SECRET, 'wrong-one')));
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).target).toBe('data');
    expect(e.message).toContain(`127.0.0.1:${s.node.port}`);
    expect(e.message).not.toContain('wrong-one');
  });

  it('rejects with ConnectionUnavailableError when nothing listens, after the deadline', async () => {
    const s = await startStandalone();
    const url = s.url;
    await s.stop();
    const e = await rejection(connect(url, { initialConnectTimeoutMs: 300 }));
    expect(e).toBeInstanceOf(Error);
    expect(String((e as { code?: string }).code ?? e.message)).toMatch(/ECONNREFUSED|COORDIS_UNAVAILABLE/);
  });

  it('turns OOM into OutOfMemoryError that explains noeviction, and does not retry it', async () => {
    await using s = await startStandalone({ config: { maxmemory: '2mb', 'maxmemory-policy': 'noeviction' } });
    const client = await connect(s.url);
    try {
      const big = 'x'.repeat(512 * 1024);
      let error: unknown;
      for (let i = 0; i < 20 && !error; i++) {
        try {
          await client.set(`big:${i}`, big);
        } catch (e) {
          error = e;
        }
      }
      expect(error).toBeInstanceOf(OutOfMemoryError);
      expect((error as Error).message).toMatch(/noeviction/);
    } finally {
      await client.quit();
    }
  });
});

describe('connect() over a Unix socket', () => {
  it('connects to unix:///path with the password in the query', async () => {
    const path = join(tmpdir(), `coordis-client-${process.pid}-${Date.now()}.sock`);
    await using _server = await startStandalone({ password: SECRET, config: { unixsocket: path, unixsocketperm: 700 } });
    const client = await connect(`unix://${path}?password=${encodeURIComponent(SECRET)}&db=2`);
    try {
      expect(await client.set('k', 'via-socket')).toBe('OK');
      const info = String(await client.call('CLIENT', ['INFO']));
      expect(info).toMatch(/ db=2 /);
      expect(info).toContain(`laddr=${path}`);
      expect(client.address).toBe(path);
    } finally {
      await client.quit();
    }
  });
});

describe('connect() over TLS', () => {
  it('connects to rediss:// with the testkit CA and fails with TlsError naming the node for another CA', async () => {
    await using s = await startStandalone({ tls: true });
    const ca = s.tls?.ca ?? '';
    const client = await connect(s.url, { tls: { ca } });
    expect(await client.ping()).toBe('PONG');
    await client.quit();
    const other = await generateCertificates();
    const e = await rejection(connect(s.url, { tls: { ca: other.ca } }));
    expect(e).toBeInstanceOf(TlsError);
    expect(e.message).toContain(`127.0.0.1:${s.node.port}`);
  });

  it('reads the CA from tlsCaFile in the URL', async () => {
    await using s = await startStandalone({ tls: true });
    const client = await connect(`${s.url}?tlsCaFile=${encodeURIComponent(s.tls?.files.ca ?? '')}`);
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });
});

describe('connect() through Sentinel', () => {
  it('finds the primary with separate sentinel credentials and verifies its role', async () => {
    await using t = await startSentinel({ password: SECRET, sentinelPassword: SENTINEL_SECRET, replicas: 1 });
    const logs = captureLogs();
    const client = await connect(t.url, { logger: logs.logger });
    try {
      const primary = await t.primary();
      expect(client.address).toBe(`127.0.0.1:${primary.port}`);
      expect(await client.set('k', '1')).toBe('OK');
      expect(inspect(client, { depth: 6 })).not.toMatch(new RegExp(`${SECRET}|${SENTINEL_SECRET}`));
    } finally {
      await client.quit();
    }
    expect(logs.text()).not.toMatch(new RegExp(`${SECRET}|${SENTINEL_SECRET}`));
  });

  it('reads the same topology from Convoy-style environment variables', async () => {
    await using t = await startSentinel({ replicas: 1, sentinels: 2, quorum: 1 });
    const env = {
      APP_REDIS_SCHEME: 'redis-sentinel',
      APP_REDIS_HOST: t.sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      APP_REDIS_SENTINEL_MASTER_NAME: t.masterName,
    };
    const client = await connect(connectionFromEnv('APP_REDIS', env));
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('rejects a wrong master name with MasterNameUnknownError', async () => {
    await using t = await startSentinel({ replicas: 0, sentinels: 1 });
    const e = await rejection(connect(t.url.replace('name=coordis', 'name=nope')));
    expect(e).toBeInstanceOf(MasterNameUnknownError);
    expect(e.message).toContain('"nope"');
  });

  it('rejects a wrong sentinel password with AuthError on the sentinel side', async () => {
    await using t = await startSentinel({ replicas: 0, sentinels: 1, sentinelPassword: SENTINEL_SECRET });
    const e = await rejection(connect(t.url.replace(SENTINEL_SECRET, 'bad-sentinel-pw')));
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).target).toBe('sentinel');
    expect(e.message).not.toContain('bad-sentinel-pw');
  });

  it('rejects with SentinelsUnreachableError listing each sentinel when none answers', async () => {
    const t = await startSentinel({ replicas: 0, sentinels: 2, quorum: 1 });
    const url = t.url;
    await t.stop();
    const e = await rejection(connect(url, { initialConnectTimeoutMs: 500 }));
    expect(e).toBeInstanceOf(SentinelsUnreachableError);
    expect(Object.keys((e as SentinelsUnreachableError).causes)).toHaveLength(2);
  });

  it('reports an unreachable announced address as MasterUnreachableError with the address before and after natMap', async () => {
    await using t = await startSentinel({ replicas: 0, sentinels: 1 });
    const primary = t.nodes[0];
    if (!primary) throw new Error('no primary');
    const e = await rejection(
      connect(t.url, { natMap: { [`127.0.0.1:${primary.port}`]: { host: '127.0.0.1', port: 1 } }, initialConnectTimeoutMs: 500 }),
    );
    expect(e).toBeInstanceOf(MasterUnreachableError);
    expect(e.message).toContain(`127.0.0.1:${primary.port}`);
    expect(e.message).toContain('127.0.0.1:1');
  });

  it('dials announced addresses through natMap', async () => {
    // Nodes bind 127.0.0.1 and 127.0.0.2 and sentinels announce 127.0.0.2; the map sends
    // the client to 127.0.0.1, which CLIENT LIST shows as the local address it reached.
    await using t = await startSentinel({ announceHost: '127.0.0.2', replicas: 1, sentinels: 1 });
    const client = await connect(t.url, { natMap: t.natMap });
    try {
      const primary = await t.primary();
      expect(client.address).toBe(`127.0.0.1:${primary.port}`);
      const info = String(await client.call('CLIENT', ['INFO']));
      expect(info).toContain(`laddr=127.0.0.1:${primary.port}`);
    } finally {
      await client.quit();
    }
  });

  it('connects over TLS to both sentinels and data nodes', async () => {
    await using t = await startSentinel({ tls: true, replicas: 1, sentinels: 1 });
    const ca = t.tls?.ca ?? '';
    const client = await connect(t.url, { tls: { ca }, sentinelTls: { ca } });
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('gives up with ConnectionUnavailableError the commands that cannot reach a primary in time', async () => {
    await using t = await startSentinel({ replicas: 0, sentinels: 1 });
    const client = await connect(t.url, { offlineQueueTimeoutMs: 300 });
    try {
      await t.nodes[0]?.kill();
      const e = await rejection(client.set('k', 'v'));
      expect(e).toBeInstanceOf(ConnectionUnavailableError);
    } finally {
      client.disconnect();
    }
  });
});

describe('per-call options', () => {
  it('rejects a command unsent after its own offline deadline, and never sends it later', async () => {
    await using s = await startStandalone();
    const client = await connect(s.url, { offlineQueueTimeoutMs: 60_000 });
    try {
      await s.node.kill();
      const e = await rejection(client.withOptions({ offlineTimeoutMs: 200 }).incr('counter'));
      expect(e).toBeInstanceOf(ConnectionUnavailableError);
      await s.node.start();
      await client.ping();
      expect(await client.get('counter')).toBeNull();
    } finally {
      client.disconnect();
    }
  });

  it('queues a script on a pipeline made from a withOptions view in that pipeline', async () => {
    await using s = await startStandalone();
    const client = await connect(s.url);
    try {
      const script = new LuaScript('view_pipeline', "-- KEYS[1] key  the key read\nreturn redis.call('EXISTS', KEYS[1])", ['key'], []);
      const view = client.withOptions({ delivery: 'never' });
      script.ensure(view);
      const pipeline = view.pipeline().set('k', 'v');
      script.queue(pipeline, { key: 'k' }, {});
      expect(await pipeline.exec()).toEqual([
        [null, 'OK'],
        [null, 1],
      ]);
    } finally {
      await client.quit();
    }
  });

  it('rejects a durable write cut off with its WAIT in flight, and leaves no rejection unhandled', async () => {
    await using s = await startStandalone();
    const client = await connect(s.url, { durable: { replicas: 1, timeoutMs: 5000 } });
    const unhandled: unknown[] = [];
    const note = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', note);
    try {
      // Writes paused on the server: the SET and the WAIT behind it both wait for a reply.
      await client.call('CLIENT', 'PAUSE', '2000', 'WRITE');
      const write = rejection(client.set('k', 'v'));
      await new Promise((r) => setTimeout(r, 50));
      client.disconnect();
      expect((await write).message).toMatch(/closed/i);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });

  it('confirms a durable write per call, and fails it with DurabilityError when no replica can have it', async () => {
    await using s = await startStandalone();
    const client = await connect(s.url);
    try {
      const e = await rejection(client.withOptions({ durable: { replicas: 1, timeoutMs: 100 } }).set('k', 'v'));
      expect(e).toBeInstanceOf(DurabilityError);
      expect(e.message).toMatch(/0 of 1/);
      expect(await client.get('k')).toBe('v');
    } finally {
      await client.quit();
    }
  });
});
