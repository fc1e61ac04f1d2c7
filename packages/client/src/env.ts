import type { ConnectionSpec } from './connection-spec.js';
import { CoordisConfigError } from './errors.js';
import { parseRedisUrl } from './url.js';

const PART_TO_VAR: Readonly<Record<string, string>> = {
  scheme: 'SCHEME',
  host: 'HOST',
  port: 'PORT',
  db: 'DATABASE',
  'query.db': 'DATABASE',
  username: 'USERNAME',
  password: 'PASSWORD',
  masterName: 'SENTINEL_MASTER_NAME',
  'query.sentinelUsername': 'SENTINEL_USERNAME',
  'query.sentinelPassword': 'SENTINEL_PASSWORD',
};

/**
 * Reads a connection from environment variables in the style Convoy uses, under a prefix of
 * your choice (`CONVOY_REDIS_` → `CONVOY_REDIS_HOST`, …):
 *
 * | variable | meaning |
 * |---|---|
 * | `<P>URL` | a whole URL; when set, the other variables must not be |
 * | `<P>SCHEME` | `redis` (default), `rediss`, `redis-sentinel`, `rediss-sentinel`, `redis+cluster`, `rediss+cluster` |
 * | `<P>HOST` | a host, or for Sentinel and Cluster a comma list of `host[:port]` |
 * | `<P>PORT` | port for hosts that name none (6379, or 26379 for Sentinel) |
 * | `<P>USERNAME`, `<P>PASSWORD` | credentials of the data nodes |
 * | `<P>DATABASE` | logical database number (Cluster: 0 only) |
 * | `<P>SENTINEL_MASTER_NAME` | the master the sentinels monitor |
 * | `<P>SENTINEL_USERNAME`, `<P>SENTINEL_PASSWORD` | the sentinels' own credentials |
 *
 * Errors name the variable; they never contain a password.
 */
export function connectionFromEnv(prefix: string, env: Readonly<Record<string, string | undefined>> = process.env): ConnectionSpec {
  const p = prefix.endsWith('_') || prefix === '' ? prefix : `${prefix}_`;
  const get = (name: string): string | undefined => {
    const v = env[`${p}${name}`];
    return v === undefined || v === '' ? undefined : v;
  };
  const url = get('URL');
  const others = Object.values(PART_TO_VAR).filter((n) => get(n) !== undefined);
  if (url !== undefined) {
    if (others.length) {
      throw new CoordisConfigError(
        `env.${p}URL`,
        `${p}URL is set together with ${others.map((n) => p + n).join(', ')}: set either the URL or the separate variables.`,
      );
    }
    return rethrow(p, () => parseRedisUrl(url));
  }
  const scheme = (get('SCHEME') ?? 'redis').toLowerCase();
  const hostVar = get('HOST');
  if (!hostVar)
    throw new CoordisConfigError(`env.${p}HOST`, `${p}HOST is not set: set it to the Redis host (or a comma list of sentinels).`);
  const port = get('PORT');
  const sentinel = scheme.includes('sentinel');
  const hosts = hostVar
    .split(',')
    .map((h) => h.trim())
    .map((h) => (port && !/:\d+$/.test(h) ? `${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}` : h))
    .join(',');
  const user = get('USERNAME');
  const pass = get('PASSWORD');
  const userinfo = user || pass ? `${encodeURIComponent(user ?? '')}${pass ? `:${encodeURIComponent(pass)}` : ''}@` : '';
  const db = get('DATABASE');
  const query = new URLSearchParams();
  if (sentinel) {
    const name = get('SENTINEL_MASTER_NAME');
    if (name) query.set('name', name);
    const su = get('SENTINEL_USERNAME');
    const sp = get('SENTINEL_PASSWORD');
    if (su) query.set('sentinelUsername', su);
    if (sp) query.set('sentinelPassword', sp);
  } else {
    for (const n of ['SENTINEL_MASTER_NAME', 'SENTINEL_USERNAME', 'SENTINEL_PASSWORD']) {
      if (get(n))
        throw new CoordisConfigError(
          `env.${p}${n}`,
          `${p}${n} is set but ${p}SCHEME is ${scheme}: set ${p}SCHEME=redis-sentinel, or unset ${p}${n}.`,
        );
    }
  }
  const qs = query.toString();
  return rethrow(p, () => parseRedisUrl(`${scheme}://${userinfo}${hosts}${db ? `/${db}` : ''}${qs ? `?${qs}` : ''}`));
}

function rethrow(prefix: string, parse: () => ConnectionSpec): ConnectionSpec {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof CoordisConfigError)) throw e;
    const variable = `${prefix}${PART_TO_VAR[e.part] ?? 'URL'}`;
    // The message quotes a URL built from the variables, with the password already redacted.
    throw new CoordisConfigError(`env.${variable}`, `from the environment (${variable}): ${e.message}`);
  }
}
