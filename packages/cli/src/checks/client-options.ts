import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { type DeploymentCheck, pass, type Verdict, verdict } from '../check.js';
import { isCluster, isCoordisClient } from '../doctor-target.js';

/** The client settings the check reads. */
export type ClientSettings = Pick<
  RedisOptions,
  'keepAlive' | 'connectTimeout' | 'maxRetriesPerRequest' | 'commandTimeout' | 'enableOfflineQueue'
>;

/** The verdict on an ioredis client's connection settings (pure). */
export function judgeClientOptions(o: ClientSettings, kind: 'coordis' | 'ioredis'): Verdict {
  const observed = [
    `keepAlive ${o.keepAlive ? `${o.keepAlive} ms` : 'off'}`,
    `connectTimeout ${o.connectTimeout ?? 'default'} ms`,
    `maxRetriesPerRequest ${o.maxRetriesPerRequest === null ? 'null (unbounded)' : String(o.maxRetriesPerRequest ?? 'default')}`,
    ...(o.commandTimeout ? [`commandTimeout ${o.commandTimeout} ms`] : []),
  ].join(', ');
  const expected = 'keepAlive 1–300 s, connectTimeout ≤ 10 s, bounded waits while disconnected';
  if (kind === 'coordis') return pass(`CoordisClient: ${observed}; offline waits bounded by offlineQueueTimeoutMs`, expected);
  if (!o.keepAlive) {
    return verdict(
      'fail',
      `${observed}: without keepalive a connection through NAT or a load balancer dies silently`,
      expected,
      'new Redis({ keepAlive: 15000 }) — or connect() from @coordis/client',
    );
  }
  const problems: string[] = [];
  if (o.keepAlive > 300_000) problems.push('keepAlive longer than NAT idle timeouts');
  if ((o.connectTimeout ?? 10_000) > 10_000) problems.push('a connect waits more than 10 s');
  if (o.maxRetriesPerRequest === null && !o.commandTimeout && o.enableOfflineQueue !== false)
    problems.push('commands wait without bound while Redis is away');
  if (problems.length)
    return verdict(
      'warn',
      `${observed}: ${problems.join('; ')}`,
      expected,
      'keepAlive 15000, connectTimeout 5000, a bounded maxRetriesPerRequest or commandTimeout — or connect() from @coordis/client',
    );
  return pass(observed, expected);
}

function settingsOf(client: Redis | Cluster): ClientSettings {
  if (!isCluster(client)) return client.options;
  // A node's own options carry ioredis' defaults merged under the Cluster's redisOptions.
  return client.nodes('all')[0]?.options ?? client.options.redisOptions ?? {};
}

/** `client.options`: the settings of the ioredis client handed to `runDoctor({ client })`. */
export const clientOptions: DeploymentCheck = {
  kind: 'deployment',
  id: 'client.options',
  title: 'Client connection settings',
  doc: {
    checks:
      'the ioredis options of the client given to runDoctor({ client }): keepAlive, connectTimeout, maxRetriesPerRequest, commandTimeout (library only)',
    verdicts:
      'pass keepalive on and bounded waits (a CoordisClient passes); warn keepAlive > 300 s, connectTimeout > 10 s, unbounded waits; fail keepalive off',
    fix: 'keepAlive 15000, connectTimeout 5000, bounded retries — or connect() from @coordis/client',
    answers: 'StackExchange.Redis#1848; ioredis#651',
  },
  run(ctx) {
    const c = ctx.client;
    if (!c) return [];
    return [judgeClientOptions(settingsOf(c), isCoordisClient(c) ? 'coordis' : 'ioredis')];
  },
};
