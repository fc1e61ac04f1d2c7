import type { Info } from './info.js';

/** The server software, as INFO reveals it. */
export type EngineName = 'redis' | 'valkey' | 'keydb' | 'dragonfly' | 'upstash' | 'memurai';

/** Who runs it: the doctor's fix lines differ where CONFIG is not yours to change. */
export type Provider = 'self-hosted' | 'elasticache' | 'memorydb' | 'azure' | 'memorystore' | 'redis-cloud' | 'upstash';

/** Every provider. */
export const PROVIDERS: readonly Provider[] = ['self-hosted', 'elasticache', 'memorydb', 'azure', 'memorystore', 'redis-cloud', 'upstash'];

/** What runs at a node. */
export interface Engine {
  readonly name: EngineName;
  readonly version: string;
  readonly provider: Provider;
}

const ENGINE_LABEL: Readonly<Record<EngineName, string>> = {
  redis: 'Redis',
  valkey: 'Valkey',
  keydb: 'KeyDB',
  dragonfly: 'Dragonfly',
  upstash: 'Upstash',
  memurai: 'Memurai',
};

const PROVIDER_LABEL: Readonly<Record<Provider, string>> = {
  'self-hosted': 'self-hosted',
  elasticache: 'Amazon ElastiCache',
  memorydb: 'Amazon MemoryDB',
  azure: 'Azure Cache for Redis',
  memorystore: 'Google Memorystore',
  'redis-cloud': 'Redis Cloud / Enterprise',
  upstash: 'Upstash',
};

/** `Redis 7.0.15 (self-hosted)`. */
export function engineLabel(e: Engine): string {
  return `${ENGINE_LABEL[e.name]} ${e.version}${e.provider === 'self-hosted' ? '' : ` on ${PROVIDER_LABEL[e.provider]}`}`;
}

/**
 * Detects the engine from the INFO fields each one adds (EmailEngine's and BullMQ's checks use
 * the same: `dragonfly_version`, `valkey_version`, KeyDB's `mvcc_depth`, `upstash_version`,
 * `memurai_version`) and the provider from INFO `os` (ElastiCache, MemoryDB say so), the host
 * name (Azure, Redis Cloud, Upstash), or Redis Enterprise's empty `maxmemory_policy`.
 */
export function detectEngine(info: Info, host: string, override?: Provider): Engine {
  let name: EngineName = 'redis';
  let version = info.redis_version ?? 'unknown';
  if (info.dragonfly_version) {
    name = 'dragonfly';
    version = info.dragonfly_version.replace(/^df-v?/, '');
  } else if (info.upstash_version) {
    name = 'upstash';
    version = info.upstash_version;
  } else if (info.valkey_version || info.server_name === 'valkey') {
    name = 'valkey';
    version = info.valkey_version ?? version;
  } else if (info.memurai_version) {
    name = 'memurai';
    version = info.memurai_version;
  } else if (info.mvcc_depth !== undefined) {
    name = 'keydb';
  }
  const h = host.toLowerCase();
  const os = info.os ?? '';
  let provider: Provider = 'self-hosted';
  if (/Amazon ElastiCache/i.test(os) || h.endsWith('.cache.amazonaws.com')) provider = 'elasticache';
  else if (/Amazon MemoryDB/i.test(os) || h.includes('.memorydb.')) provider = 'memorydb';
  else if (/\.redis\.cache\.windows\.net$|\.redisenterprise\.cache\.azure\.net$|\.redis\.azure\.net$/.test(h)) provider = 'azure';
  else if (/\.redis-cloud\.com$|\.redislabs\.com$|\.rlrcp\.com$/.test(h) || info.maxmemory_policy === '') provider = 'redis-cloud';
  else if (name === 'upstash' || h.endsWith('.upstash.io')) provider = 'upstash';
  return { name, version, provider: override ?? provider };
}

/** `[7, 0, 15]` from `7.0.15`; unparsable parts are 0. */
export function versionParts(version: string): [number, number, number] {
  const [a, b, c] = version.split('.').map((p) => Number.parseInt(p, 10));
  return [Number.isFinite(a) ? (a as number) : 0, Number.isFinite(b) ? (b as number) : 0, Number.isFinite(c) ? (c as number) : 0];
}

/** True when `version` is at least `major.minor`. */
export function atLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = versionParts(version);
  return a > major || (a === major && b >= minor);
}

/**
 * The fix line for a setting the doctor could not read or that must change, in the words of
 * the provider: where CONFIG SET is not available, the parameter group, portal or console is.
 */
export function settingFix(provider: Provider, param: string, value: string): string {
  switch (provider) {
    case 'elasticache':
      return `set ${param} to ${value} in the cluster's parameter group (aws elasticache modify-cache-parameter-group --parameter-name-values ParameterName=${param},ParameterValue=${value})`;
    case 'memorydb':
      return `set ${param} to ${value} in the cluster's parameter group (aws memorydb update-parameter-group --parameter-name-values ParameterName=${param},ParameterValue=${value})`;
    case 'azure':
      return `set ${param} to ${value} under Advanced settings of the cache in the Azure portal (az redis update --set redisConfiguration.${param}=${value})`;
    case 'memorystore':
      return `gcloud redis instances update <instance> --update-redis-config=${param}=${value}`;
    case 'redis-cloud':
      return `set ${param} ${value} in the database's configuration in the Redis Cloud / Enterprise console`;
    case 'upstash':
      return `set ${param} ${value} in the database's settings in the Upstash console, if your plan allows it`;
    default:
      return `CONFIG SET ${param} ${value} and CONFIG REWRITE (or set "${param} ${value}" in redis.conf)`;
  }
}

/** The fix line when CONFIG GET was refused: how to let the doctor read it, by provider. */
export function configRefusedFix(provider: Provider, param: string): string {
  if (provider === 'self-hosted') {
    return `let the doctor read it: ACL SETUSER <user> +config|get (or run it with a user that may); or check "${param}" in redis.conf by hand`;
  }
  return `CONFIG is not available on ${PROVIDER_LABEL[provider]}: check "${param}" in ${provider === 'azure' ? 'the Azure portal (Advanced settings)' : provider === 'memorystore' ? 'gcloud redis instances describe <instance>' : provider === 'redis-cloud' ? 'the Redis Cloud console' : provider === 'upstash' ? 'the Upstash console' : "the cluster's parameter group"}`;
}
