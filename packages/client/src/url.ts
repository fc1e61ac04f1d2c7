import { isIP } from 'node:net';
import type { ClusterSpec, ConnectionSpec, HostPort, SentinelSpec, TlsSettings, UrlTuning } from './connection-spec.js';
import { DEFAULTS } from './defaults.js';
import { CoordisConfigError } from './errors.js';
import { redactUrl, type Secret, toSecret } from './secret.js';

type Scheme = 'standalone' | 'standalone-tls' | 'sentinel' | 'sentinel-tls' | 'cluster' | 'cluster-tls' | 'socket';

const SCHEMES: Readonly<Record<string, Scheme>> = {
  redis: 'standalone',
  rediss: 'standalone-tls',
  'redis-sentinel': 'sentinel',
  'redis+sentinel': 'sentinel',
  'rediss-sentinel': 'sentinel-tls',
  'rediss+sentinel': 'sentinel-tls',
  'redis-cluster': 'cluster',
  'redis+cluster': 'cluster',
  'rediss-cluster': 'cluster-tls',
  'rediss+cluster': 'cluster-tls',
  unix: 'socket',
  'redis+unix': 'socket',
  'redis-socket': 'socket',
  'redis+socket': 'socket',
};

const MASTER_NAME_KEYS = ['name', 'masterName', 'sentinelMasterId', 'master_name'] as const;
const COMMON_KEYS = [
  'db',
  'clientName',
  'connectTimeout',
  'commandTimeout',
  'keepAlive',
  'tls',
  'tlsCaFile',
  'tlsCertFile',
  'tlsKeyFile',
  'tlsServername',
];
const SENTINEL_KEYS = [...MASTER_NAME_KEYS, 'role', 'sentinelUsername', 'sentinelPassword', 'sentinelTls'];
const SOCKET_KEYS = ['username', 'password'];

/** Builds the error for one wrong part; `url` is redacted before it is quoted. */
function bad(part: string, problem: string, fix: string, url?: string): CoordisConfigError {
  const where = url === undefined ? '' : ` in ${redactUrl(url)}`;
  return new CoordisConfigError(part, `${problem}${where}: ${fix}`);
}

function decode(part: string, value: string, url: string, secret: boolean): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw bad(
      part,
      secret ? 'the password is not valid percent-encoding' : `"${value}" is not valid percent-encoding`,
      'percent-encode reserved characters (% as %25, @ as %40, : as %3A, / as %2F)',
      url,
    );
  }
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** Parses `host`, `host:port`, `[v6]` or `[v6]:port`. */
function parseHostPort(text: string, defaultPort: number, url: string): HostPort {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw bad('host', `"${text}" opens an IPv6 bracket it does not close`, 'write IPv6 hosts as [::1]:6379', url);
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest && !rest.startsWith(':')) throw bad('host', `unexpected "${rest}" after [${host}]`, 'write IPv6 hosts as [::1]:6379', url);
    portText = rest ? rest.slice(1) : undefined;
    if (isIP(host) !== 6) throw bad('host', `[${host}] is not an IPv6 address`, 'brackets are only for IPv6 addresses, like [::1]', url);
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1)
      throw bad('host', `"${text}" looks like an IPv6 address without brackets`, 'write IPv6 hosts in brackets: [::1]:6379', url);
    const i = text.indexOf(':');
    host = i < 0 ? text : text.slice(0, i);
    portText = i < 0 ? undefined : text.slice(i + 1);
    if (!host) throw bad('host', 'a host is missing', 'write the server address after //, as in redis://localhost:6379', url);
    if (!isIP(host) && !HOSTNAME.test(host)) {
      throw bad(
        'host',
        `"${host}" is not a valid host name or IP address`,
        'use a DNS name, an IPv4 address, or an IPv6 address in brackets',
        url,
      );
    }
  }
  if (portText === undefined) return { host, port: defaultPort };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw bad(
      'port',
      `port "${portText}" is not a number from 1 to 65535`,
      `write a port like :${defaultPort}, or leave it out for ${defaultPort}`,
      url,
    );
  }
  return { host, port: Number(portText) };
}

function parseDb(text: string, part: string, url: string): number {
  if (!/^\d{1,5}$/.test(text))
    throw bad(part, `database "${text}" is not a number`, 'write the logical database as a number, like /0 or ?db=2', url);
  return Number(text);
}

function parseBool(key: string, value: string, url: string): boolean {
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw bad(`query.${key}`, `${key}=${value} is not a boolean`, `write ${key}=true or ${key}=false`, url);
}

function parseMs(key: string, value: string, url: string): number {
  if (!/^\d+$/.test(value))
    throw bad(`query.${key}`, `${key}=${value} is not a whole number of milliseconds`, `write ${key}=5000 for 5 s`, url);
  return Number(value);
}

function tlsFromQuery(q: URLSearchParams, on: boolean): TlsSettings | undefined {
  if (!on) return undefined;
  const t: { caFile?: string; certFile?: string; keyFile?: string; servername?: string } = {};
  const ca = q.get('tlsCaFile');
  const cert = q.get('tlsCertFile');
  const key = q.get('tlsKeyFile');
  const servername = q.get('tlsServername');
  if (ca) t.caFile = ca;
  if (cert) t.certFile = cert;
  if (key) t.keyFile = key;
  if (servername) t.servername = servername;
  return t;
}

interface UrlParts {
  scheme: Scheme;
  userinfo: string | undefined;
  hosts: string;
  path: string;
  query: URLSearchParams;
  fragment: string | undefined;
}

function split(url: string): UrlParts {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url);
  if (!m) {
    throw bad(
      'scheme',
      url.trim() === '' ? 'the URL is empty' : 'this is not a Redis URL',
      'write redis://host:6379, rediss://host:6379, redis-sentinel://host:26379,host:26379/?name=<master>, redis+cluster://host:6379,host:6379 or unix:///path/to/redis.sock',
      url,
    );
  }
  const schemeText = (m[1] as string).toLowerCase();
  const scheme = SCHEMES[schemeText];
  if (!scheme) throw bad('scheme', `unknown scheme "${schemeText}"`, `use one of ${Object.keys(SCHEMES).join(', ')}`, url);
  let rest = m[2] as string;
  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = new URLSearchParams();
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = new URLSearchParams(rest.slice(q + 1));
    rest = rest.slice(0, q);
  }
  // The last @ ends the userinfo: passwords with an unencoded @ still parse.
  const at = rest.lastIndexOf('@');
  const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const hostAndPath = at >= 0 ? rest.slice(at + 1) : rest;
  if (scheme === 'socket') return { scheme, userinfo, hosts: '', path: hostAndPath, query, fragment };
  const slash = hostAndPath.indexOf('/');
  return {
    scheme,
    userinfo,
    hosts: slash < 0 ? hostAndPath : hostAndPath.slice(0, slash),
    path: slash < 0 ? '' : hostAndPath.slice(slash),
    query,
    fragment,
  };
}

function credentials(userinfo: string | undefined, url: string): { username?: string; password?: Secret } {
  if (userinfo === undefined || userinfo === '') return {};
  const i = userinfo.indexOf(':');
  const user = decode('username', i < 0 ? userinfo : userinfo.slice(0, i), url, false);
  const pass = i < 0 ? undefined : decode('password', userinfo.slice(i + 1), url, true);
  const out: { username?: string; password?: Secret } = {};
  if (user) out.username = user;
  const secret = toSecret(pass);
  if (secret) out.password = secret;
  if (out.username && !out.password) {
    throw bad(
      'password',
      `user "${out.username}" is given without a password`,
      'write redis://user:password@host (an ACL user needs its password), or drop the user',
      url,
    );
  }
  return out;
}

function checkQueryKeys(q: URLSearchParams, allowed: readonly string[], url: string): void {
  const seen = new Set<string>();
  for (const key of q.keys()) {
    if (seen.has(key)) throw bad(`query.${key}`, `${key} is given twice`, `give ${key} once`, url);
    seen.add(key);
    if (!allowed.includes(key)) {
      throw bad(`query.${key}`, `unknown option "${key}"`, `the options this URL takes are: ${allowed.join(', ')}`, url);
    }
  }
}

function tuning(q: URLSearchParams, url: string): UrlTuning {
  const t: { clientName?: string; connectTimeoutMs?: number; commandTimeoutMs?: number; keepAliveMs?: number } = {};
  const name = q.get('clientName');
  if (name !== null) {
    if (!/^[!-~]+$/.test(name))
      throw bad(
        'query.clientName',
        'clientName contains spaces or non-ASCII characters',
        'Redis client names are printable ASCII without spaces',
        url,
      );
    t.clientName = name;
  }
  const ct = q.get('connectTimeout');
  if (ct !== null) t.connectTimeoutMs = parseMs('connectTimeout', ct, url);
  const cmd = q.get('commandTimeout');
  if (cmd !== null) t.commandTimeoutMs = parseMs('commandTimeout', cmd, url);
  const ka = q.get('keepAlive');
  if (ka !== null) t.keepAliveMs = parseMs('keepAlive', ka, url);
  return t;
}

function db(path: string, q: URLSearchParams, url: string): number {
  const fromPath = path.replace(/^\/+|\/+$/g, '');
  const fromQuery = q.get('db');
  if (fromPath && fromQuery !== null && fromPath !== fromQuery) {
    throw bad('db', `the database is given twice (/${fromPath} and ?db=${fromQuery})`, 'give it once', url);
  }
  const text = fromPath || fromQuery;
  return text ? parseDb(text, fromPath ? 'db' : 'query.db', url) : 0;
}

/** The seed nodes of a cluster URL; Cluster has database 0 only, so any other is refused. */
function clusterSpec(p: UrlParts, base: Omit<ClusterSpec, 'mode' | 'nodes'> & { db: number }, url: string): ClusterSpec {
  if (p.fragment !== undefined) throw bad('fragment', 'a redis+cluster:// URL takes no #fragment', 'remove it', url);
  if (base.db !== 0) {
    throw bad('db', `database ${base.db} is asked for`, 'Redis Cluster has only database 0: drop the /db path and ?db=', url);
  }
  const hostTexts = p.hosts.split(',');
  // A lone empty entry is "no host", which parseHostPort names.
  if (hostTexts.length > 1 && hostTexts.some((h) => h === '')) {
    throw bad('host', 'the node list has an empty entry', 'list seed nodes as host:port,host:port with no empty items', url);
  }
  const { db: _db, ...rest } = base;
  return { mode: 'cluster', nodes: hostTexts.map((h) => parseHostPort(h, DEFAULTS.port, url)), ...rest };
}

/**
 * Parses a Redis URL into a validated {@link ConnectionSpec}:
 *
 * - `redis://[[user]:password@]host[:port][/db][?options]`, `rediss://…` (TLS, certificates
 *   verified), IPv6 hosts in brackets, percent-encoded credentials;
 * - `redis-sentinel://[[user]:password@]host[:port][,host[:port]…][/db]?name=<master>
 *   [&sentinelUsername=…&sentinelPassword=…&role=master|replica&tls=true&sentinelTls=…]`
 *   (default port 26379; also `#<master>` as lettuce writes it, `sentinelMasterId` and
 *   `master_name`; `rediss-sentinel://` turns TLS on towards both sides);
 * - `redis+cluster://[[user]:password@]host[:port][,host[:port]…][?options]` (also
 *   `redis-cluster://`; `rediss+cluster://` for TLS): seed nodes of a Redis Cluster, default
 *   port 6379; the rest of the cluster is discovered from them. Cluster has database 0 only,
 *   so another db is an error;
 * - `unix:///path/to/redis.sock[?db=…&password=…]`.
 *
 * Options: `db`, `clientName`, `connectTimeout`, `commandTimeout`, `keepAlive` (ms),
 * `tls`, `tlsCaFile`, `tlsCertFile`, `tlsKeyFile`, `tlsServername`. Anything else is an
 * error, so a typo is not silently ignored. Errors are {@link CoordisConfigError}s naming
 * the wrong part; they never contain the password.
 */
export function parseRedisUrl(url: string): ConnectionSpec {
  if (typeof url !== 'string')
    throw bad('url', `expected a URL string, got ${url === null ? 'null' : typeof url}`, 'pass a URL like redis://localhost:6379');
  const text = url.trim();
  const p = split(text);
  const creds = credentials(p.userinfo, text);
  const q = p.query;

  if (p.scheme === 'socket') {
    checkQueryKeys(q, [...COMMON_KEYS, ...SOCKET_KEYS], text);
    if (p.fragment !== undefined) throw bad('fragment', 'a socket URL takes no #fragment', 'remove it', text);
    const path = decode('path', p.path, text, false);
    if (!path.startsWith('/'))
      throw bad('path', `socket path "${path}" is not absolute`, 'write unix:///absolute/path/to/redis.sock', text);
    const user = q.get('username') ?? creds.username;
    const pass = toSecret(q.get('password') ?? undefined) ?? creds.password;
    const tls = tlsFromQuery(q, q.get('tls') !== null && parseBool('tls', q.get('tls') as string, text));
    return {
      mode: 'socket',
      path,
      db: db('', q, text),
      ...(user ? { username: user } : {}),
      ...(pass ? { password: pass } : {}),
      ...(tls ? { tls } : {}),
      tuning: tuning(q, text),
    };
  }

  const sentinel = p.scheme === 'sentinel' || p.scheme === 'sentinel-tls';
  const cluster = p.scheme === 'cluster' || p.scheme === 'cluster-tls';
  checkQueryKeys(q, sentinel ? [...COMMON_KEYS, ...SENTINEL_KEYS] : COMMON_KEYS, text);
  const tlsQuery = q.get('tls');
  const tlsScheme = p.scheme === 'standalone-tls' || p.scheme === 'sentinel-tls' || p.scheme === 'cluster-tls';
  const tlsOn = tlsQuery !== null ? parseBool('tls', tlsQuery, text) : tlsScheme;
  if ((p.scheme === 'standalone-tls' || p.scheme === 'cluster-tls') && tlsQuery !== null && !tlsOn) {
    const plain = p.scheme === 'cluster-tls' ? 'redis+cluster://' : 'redis://';
    throw bad(
      'query.tls',
      `${p.scheme === 'cluster-tls' ? 'rediss+cluster://' : 'rediss://'} asks for TLS but tls=false turns it off`,
      `use ${plain} for plaintext, or drop tls=false`,
      text,
    );
  }
  for (const key of ['tlsCaFile', 'tlsCertFile', 'tlsKeyFile', 'tlsServername']) {
    if (q.get(key) !== null && !tlsOn)
      throw bad(`query.${key}`, `${key} is given but TLS is off`, 'use rediss:// (or tls=true) to turn TLS on', text);
  }
  const tls = tlsFromQuery(q, tlsOn);
  const base = {
    db: db(p.path, q, text),
    ...creds,
    ...(tls ? { tls } : {}),
    tuning: tuning(q, text),
  };

  if (cluster) return clusterSpec(p, base, text);

  if (!sentinel) {
    if (p.hosts.includes(',')) {
      throw bad(
        'host',
        'several hosts are given',
        'a redis:// URL names one server; for Sentinel use redis-sentinel://host1,host2/?name=<master>, for Cluster redis+cluster://host1,host2',
        text,
      );
    }
    if (p.fragment !== undefined)
      throw bad('fragment', 'a redis:// URL takes no #fragment', 'remove it (the #<master> form is for redis-sentinel://)', text);
    const hp = parseHostPort(p.hosts, DEFAULTS.port, text);
    return { mode: 'standalone', host: hp.host, port: hp.port, ...base };
  }

  const hostTexts = p.hosts.split(',');
  if (hostTexts.some((h) => h === '')) {
    throw bad('host', 'the sentinel list has an empty entry', 'list sentinels as host:port,host:port with no empty items', text);
  }
  const sentinels = hostTexts.map((h) => parseHostPort(h, DEFAULTS.sentinelPort, text));
  const names = new Map<string, string>();
  for (const key of MASTER_NAME_KEYS) {
    const v = q.get(key);
    if (v !== null) names.set(key, v);
  }
  if (p.fragment !== undefined) names.set('#fragment', decode('fragment', p.fragment, text, false));
  const distinct = [...new Set(names.values())];
  if (distinct.length === 0) {
    throw bad(
      'masterName',
      'the master name is missing',
      'say which master the sentinels monitor: add ?name=<master> (or #<master>)',
      text,
    );
  }
  if (distinct.length > 1) {
    throw bad('masterName', `the master name is given differently (${[...names.keys()].join(', ')})`, 'give it once', text);
  }
  const masterName = distinct[0] as string;
  if (!/^[!-~]+$/.test(masterName))
    throw bad(
      'masterName',
      'the master name contains spaces or non-ASCII characters',
      'use the name exactly as SENTINEL MASTERS lists it',
      text,
    );
  const role = q.get('role') ?? 'master';
  if (role !== 'master' && role !== 'replica' && role !== 'slave') {
    throw bad('query.role', `role=${role} is neither master nor replica`, 'write role=master (the default) or role=replica', text);
  }
  const sentinelTlsQuery = q.get('sentinelTls');
  const sentinelTlsOn = sentinelTlsQuery !== null ? parseBool('sentinelTls', sentinelTlsQuery, text) : tlsOn;
  const sentinelUser = q.get('sentinelUsername');
  const sentinelPass = toSecret(q.get('sentinelPassword') ?? undefined);
  if (sentinelUser && !sentinelPass) {
    throw bad(
      'query.sentinelUsername',
      `sentinel user "${sentinelUser}" is given without sentinelPassword`,
      'add sentinelPassword=… (percent-encoded)',
      text,
    );
  }
  const spec: SentinelSpec = {
    mode: 'sentinel',
    sentinels,
    masterName,
    role: role === 'master' ? 'master' : 'replica',
    ...base,
    ...(sentinelUser ? { sentinelUsername: sentinelUser } : {}),
    ...(sentinelPass ? { sentinelPassword: sentinelPass } : {}),
    ...(sentinelTlsOn ? { sentinelTls: tls ?? {} } : {}),
  };
  return spec;
}
