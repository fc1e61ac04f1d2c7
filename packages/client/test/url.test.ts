import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { connectionFromEnv } from '../src/env.js';
import { CoordisConfigError, isConfigError } from '../src/errors.js';
import { redactUrl, Secret } from '../src/secret.js';
import { parseRedisUrl } from '../src/url.js';

const PW = 'Sup3r$ecret';

describe('parseRedisUrl: accepted forms', () => {
  it('reads host, port, db and percent-encoded credentials', () => {
    const s = parseRedisUrl('redis://app%40svc:p%40ss%3Aw%2Fd@cache.internal:6380/2');
    expect(s).toMatchObject({ mode: 'standalone', host: 'cache.internal', port: 6380, db: 2, username: 'app@svc' });
    expect(s.password?.reveal()).toBe('p@ss:w/d');
  });

  it('defaults the port to 6379 and the db to 0', () => {
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(parseRedisUrl('redis://localhost/')).toMatchObject({ db: 0 });
  });

  it('takes a password without a user, and an unencoded @ in the password', () => {
    expect(parseRedisUrl('redis://:pw@h').password?.reveal()).toBe('pw');
    expect(parseRedisUrl('redis://:p@ss@h:1').password?.reveal()).toBe('p@ss');
  });

  it('reads IPv6 hosts in brackets', () => {
    expect(parseRedisUrl('redis://[::1]:6390')).toMatchObject({ host: '::1', port: 6390 });
    expect(parseRedisUrl('redis://[fe80::1]')).toMatchObject({ host: 'fe80::1', port: 6379 });
  });

  it('turns TLS on for rediss:// with verification and file options', () => {
    const s = parseRedisUrl('rediss://h:6380?tlsCaFile=/etc/ca.pem&tlsServername=redis.example');
    expect(s.tls).toEqual({ caFile: '/etc/ca.pem', servername: 'redis.example' });
    expect(parseRedisUrl('redis://h?tls=true').tls).toEqual({});
    expect(parseRedisUrl('redis://h').tls).toBeUndefined();
  });

  it('reads tuning options in milliseconds', () => {
    expect(parseRedisUrl('redis://h?connectTimeout=2500&commandTimeout=900&keepAlive=10000&clientName=api-1').tuning).toEqual({
      connectTimeoutMs: 2500,
      commandTimeoutMs: 900,
      keepAliveMs: 10000,
      clientName: 'api-1',
    });
  });

  it('reads unix sockets with query credentials', () => {
    const s = parseRedisUrl('unix:///run/redis/redis.sock?db=3&password=pw');
    expect(s).toMatchObject({ mode: 'socket', path: '/run/redis/redis.sock', db: 3 });
    expect(s.password?.reveal()).toBe('pw');
    expect(parseRedisUrl('redis+unix:///tmp/r.sock')).toMatchObject({ mode: 'socket', path: '/tmp/r.sock' });
  });

  it('reads sentinel lists with default ports, master name and sentinel credentials', () => {
    const s = parseRedisUrl(
      `redis-sentinel://:data@s1,s2:26380,[::1]/1?name=mymaster&sentinelUsername=watch&sentinelPassword=${PW}&role=replica`,
    );
    expect(s).toMatchObject({
      mode: 'sentinel',
      masterName: 'mymaster',
      role: 'replica',
      db: 1,
      sentinelUsername: 'watch',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: '::1', port: 26379 },
      ],
    });
    if (s.mode !== 'sentinel') throw new Error('expected sentinel');
    expect(s.sentinelPassword?.reveal()).toBe(PW);
    expect(s.password?.reveal()).toBe('data');
  });

  it('reads the lettuce #master fragment and the go-redis and lettuce query names', () => {
    expect(parseRedisUrl('redis-sentinel://s1:26379/0#mymaster')).toMatchObject({ masterName: 'mymaster' });
    expect(parseRedisUrl('redis-sentinel://s1?sentinelMasterId=m2')).toMatchObject({ masterName: 'm2' });
    expect(parseRedisUrl('redis-sentinel://s1?master_name=m3')).toMatchObject({ masterName: 'm3' });
    expect(parseRedisUrl('redis-sentinel://s1?name=m4#m4')).toMatchObject({ masterName: 'm4' });
  });

  it('applies tls=true to the sentinels too unless sentinelTls says otherwise', () => {
    const both = parseRedisUrl('redis-sentinel://s1?name=m&tls=true');
    expect(both.tls).toEqual({});
    expect(both.mode === 'sentinel' && both.sentinelTls).toEqual({});
    const dataOnly = parseRedisUrl('redis-sentinel://s1?name=m&tls=true&sentinelTls=false');
    expect(dataOnly.mode === 'sentinel' && dataOnly.sentinelTls).toBeUndefined();
    expect(parseRedisUrl('rediss-sentinel://s1?name=m')).toMatchObject({ tls: {}, sentinelTls: {} });
  });

  it('reads cluster seed lists with default ports, credentials and tuning', () => {
    const s = parseRedisUrl(`redis+cluster://app:${encodeURIComponent(PW)}@n1,n2:7001,[::1]:7002?clientName=api&keepAlive=5000`);
    expect(s).toMatchObject({
      mode: 'cluster',
      username: 'app',
      nodes: [
        { host: 'n1', port: 6379 },
        { host: 'n2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      tuning: { clientName: 'api', keepAliveMs: 5000 },
    });
    expect(s.password?.reveal()).toBe(PW);
    expect(s).not.toHaveProperty('db');
    expect(s.tls).toBeUndefined();
  });

  it('reads every spelling of the cluster scheme, and database 0', () => {
    for (const scheme of ['redis+cluster', 'redis-cluster', 'REDIS+CLUSTER'])
      expect(parseRedisUrl(`${scheme}://n1:7000`)).toMatchObject({ mode: 'cluster', nodes: [{ host: 'n1', port: 7000 }] });
    expect(parseRedisUrl('redis+cluster://n1:7000/0')).toMatchObject({ mode: 'cluster' });
    expect(parseRedisUrl('redis+cluster://n1:7000/?db=0')).toMatchObject({ mode: 'cluster' });
  });

  it('turns TLS on for rediss+cluster:// and tls=true, with the file options', () => {
    expect(parseRedisUrl('rediss+cluster://n1:7000,n2:7001?tlsCaFile=/etc/ca.pem').tls).toEqual({ caFile: '/etc/ca.pem' });
    expect(parseRedisUrl('rediss-cluster://n1').tls).toEqual({});
    expect(parseRedisUrl('redis+cluster://n1?tls=true&tlsServername=redis.example').tls).toEqual({ servername: 'redis.example' });
  });
});

// Each entry: a bad URL, the part the error must name, and a piece of the message.
const MALFORMED: [url: string, part: string, says: RegExp][] = [
  ['', 'scheme', /empty/],
  ['localhost:6379', 'scheme', /not a Redis URL/],
  ['http://localhost:6379', 'scheme', /unknown scheme "http"/],
  ['redis+clusters://a:1,b:2', 'scheme', /unknown scheme "redis\+clusters"/],
  ['redis+cluster://a:1/2', 'db', /only database 0/],
  [`redis+cluster://:${PW}@a:1?db=3`, 'db', /only database 0/],
  ['redis+cluster://a:1,,b:2', 'host', /empty entry/],
  ['redis+cluster://a:1,b:70000', 'port', /1 to 65535/],
  ['redis+cluster://', 'host', /host is missing/],
  ['redis+cluster://a:1#frag', 'fragment', /no #fragment/],
  ['redis+cluster://a:1?name=m', 'query.name', /unknown option "name"/],
  ['rediss+cluster://a:1?tls=false', 'query.tls', /asks for TLS/],
  ['redis+cluster://a:1?tlsKeyFile=/k.pem', 'query.tlsKeyFile', /TLS is off/],
  [`redis+cluster://user@a:1`, 'password', /without a password/],
  ['redis://', 'host', /host is missing/],
  [`redis://:${PW}@`, 'host', /host is missing/],
  ['redis://bad_host!:6379', 'host', /not a valid host/],
  ['redis://::1:6379', 'host', /IPv6 address without brackets/],
  ['redis://[::1:6379', 'host', /does not close/],
  ['redis://[example.com]:6379', 'host', /not an IPv6 address/],
  ['redis://[::1]x', 'host', /unexpected/],
  ['redis://h:0', 'port', /1 to 65535/],
  ['redis://h:65536', 'port', /1 to 65535/],
  ['redis://h:port', 'port', /not a number/],
  ['redis://h:-1', 'port', /not a number/],
  ['redis://a:1,b:2', 'host', /several hosts/],
  ['redis://h/abc', 'db', /not a number/],
  ['redis://h/1?db=2', 'db', /given twice/],
  ['redis://h?db=x', 'query.db', /not a number/],
  ['redis://h?timeout=5', 'query.timeout', /unknown option "timeout"/],
  ['redis://h?name=m', 'query.name', /unknown option "name"/],
  ['redis://h?tls=maybe', 'query.tls', /not a boolean/],
  ['rediss://h?tls=false', 'query.tls', /asks for TLS/],
  ['redis://h?tlsCaFile=/ca.pem', 'query.tlsCaFile', /TLS is off/],
  ['redis://h?connectTimeout=5s', 'query.connectTimeout', /milliseconds/],
  ['redis://h?db=1&db=2', 'query.db', /given twice/],
  ['redis://h#frag', 'fragment', /no #fragment/],
  [`redis://user@h`, 'password', /without a password/],
  [`redis://:${PW}%zz@h`, 'password', /percent-encoding/],
  ['redis-sentinel://s1:26379', 'masterName', /master name is missing/],
  ['redis-sentinel://s1?name=a#b', 'masterName', /given differently/],
  ['redis-sentinel://s1?name=my master', 'masterName', /spaces/],
  ['redis-sentinel://s1,,s2?name=m', 'host', /empty entry/],
  ['redis-sentinel://s1?name=m&role=leader', 'query.role', /neither master nor replica/],
  [`redis-sentinel://s1?name=m&sentinelUsername=u`, 'query.sentinelUsername', /without sentinelPassword/],
  ['redis-sentinel://s1:99999?name=m', 'port', /1 to 65535/],
  ['unix://relative.sock', 'path', /not absolute/],
  ['redis://h?clientName=my client', 'query.clientName', /spaces/],
];

describe('parseRedisUrl: malformed input', () => {
  it.each(MALFORMED)('rejects %j naming the %s', (url, part, says) => {
    let error: unknown;
    try {
      parseRedisUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CoordisConfigError);
    expect(isConfigError(error)).toBe(true);
    const e = error as CoordisConfigError;
    expect(e.part).toBe(part);
    expect(e.code).toBe('COORDIS_CONFIG');
    expect(e.message).toMatch(says);
    expect(e.message).not.toContain(PW);
    expect(inspect(e)).not.toContain(PW);
    expect(JSON.stringify(e)).not.toContain(PW);
  });

  it('has at least 25 cases', () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(25);
  });

  it('rejects a non-string argument', () => {
    expect(() => parseRedisUrl(undefined as unknown as string)).toThrow(/expected a URL string/);
  });
});

describe('secrets', () => {
  it('never print a password through String, JSON or inspect', () => {
    const s = parseRedisUrl(`redis://u:${PW}@h`);
    expect(`${s.password}`).toBe('[redacted]');
    expect(JSON.stringify(s)).not.toContain(PW);
    expect(inspect(s, { depth: 10 })).not.toContain(PW);
    expect(new Secret(PW).reveal()).toBe(PW);
  });

  it('redact URLs, including query passwords and malformed ones', () => {
    expect(redactUrl(`redis://u:${PW}@h:1/0`)).toBe('redis://u:[redacted]@h:1/0');
    expect(redactUrl(`redis-sentinel://s?name=m&sentinelPassword=${PW}`)).toBe('redis-sentinel://s?name=m&sentinelPassword=[redacted]');
    expect(redactUrl(`redis://:${PW}@`)).not.toContain(PW);
  });
});

describe('connectionFromEnv', () => {
  it('reads the Convoy-style variables under a prefix', () => {
    const s = connectionFromEnv('CONVOY_REDIS', {
      CONVOY_REDIS_SCHEME: 'redis-sentinel',
      CONVOY_REDIS_HOST: 's1,s2:26380',
      CONVOY_REDIS_PORT: '26390',
      CONVOY_REDIS_PASSWORD: 'p@ss',
      CONVOY_REDIS_DATABASE: '4',
      CONVOY_REDIS_SENTINEL_MASTER_NAME: 'convoy',
      CONVOY_REDIS_SENTINEL_USERNAME: 'sen',
      CONVOY_REDIS_SENTINEL_PASSWORD: 'sp&w',
    });
    expect(s).toMatchObject({
      mode: 'sentinel',
      masterName: 'convoy',
      db: 4,
      sentinelUsername: 'sen',
      sentinels: [
        { host: 's1', port: 26390 },
        { host: 's2', port: 26380 },
      ],
    });
    if (s.mode !== 'sentinel') throw new Error('expected sentinel');
    expect(s.password?.reveal()).toBe('p@ss');
    expect(s.sentinelPassword?.reveal()).toBe('sp&w');
  });

  it('reads a plain host with the default scheme and a URL variable', () => {
    expect(connectionFromEnv('APP_', { APP_HOST: 'cache', APP_PORT: '6390' })).toMatchObject({
      mode: 'standalone',
      host: 'cache',
      port: 6390,
    });
    expect(connectionFromEnv('APP', { APP_URL: 'rediss://h:7000' })).toMatchObject({ host: 'h', port: 7000, tls: {} });
  });

  it('reads a cluster from a scheme and a node list, or from a URL', () => {
    const s = connectionFromEnv('APP', { APP_SCHEME: 'redis+cluster', APP_HOST: 'n1,n2:7001', APP_PORT: '7000', APP_PASSWORD: PW });
    expect(s).toMatchObject({
      mode: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
    });
    expect(s.password?.reveal()).toBe(PW);
    expect(connectionFromEnv('APP', { APP_SCHEME: 'rediss+cluster', APP_HOST: 'n1' })).toMatchObject({ mode: 'cluster', tls: {} });
    expect(connectionFromEnv('APP', { APP_URL: 'redis+cluster://n1:7000,n2:7001' })).toMatchObject({ mode: 'cluster' });
  });

  it('names the variable that is wrong, without the password', () => {
    const cases: [Record<string, string>, string][] = [
      [{ X_HOST: 'h', X_PORT: 'abc', X_PASSWORD: PW }, 'env.X_PORT'],
      [{ X_PASSWORD: PW }, 'env.X_HOST'],
      [{ X_HOST: 'h', X_SCHEME: 'redis-sentinel', X_PASSWORD: PW }, 'env.X_SENTINEL_MASTER_NAME'],
      [{ X_HOST: 'h', X_SENTINEL_MASTER_NAME: 'm' }, 'env.X_SENTINEL_MASTER_NAME'],
      [{ X_URL: 'redis://h', X_HOST: 'h' }, 'env.X_URL'],
      [{ X_HOST: 'h', X_SCHEME: 'ftp', X_PASSWORD: PW }, 'env.X_SCHEME'],
      [{ X_HOST: 'h', X_SCHEME: 'redis+cluster', X_DATABASE: '2', X_PASSWORD: PW }, 'env.X_DATABASE'],
      [{ X_HOST: 'h', X_SCHEME: 'redis+cluster', X_SENTINEL_MASTER_NAME: 'm' }, 'env.X_SENTINEL_MASTER_NAME'],
    ];
    for (const [env, part] of cases) {
      let error: unknown;
      try {
        connectionFromEnv('X', env);
      } catch (e) {
        error = e;
      }
      expect(error, part).toBeInstanceOf(CoordisConfigError);
      expect((error as CoordisConfigError).part).toBe(part);
      expect((error as Error).message).not.toContain(PW);
    }
  });
});
