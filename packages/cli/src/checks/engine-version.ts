import { type NodeCheck, nodeEngine, pass, type Verdict, verdict } from '../check.js';
import { atLeast, type Engine, engineLabel } from '../engine.js';

const NOTES: Partial<Record<Engine['provider'], string>> = {
  elasticache: 'CONFIG is disabled; the default parameter group sets volatile-lru',
  memorydb: 'CONFIG is disabled; durable multi-AZ log',
  azure: 'CONFIG is disabled; default policy volatile-lru',
  memorystore: 'CONFIG is disabled; default policy volatile-lru',
  'redis-cloud': 'CONFIG is limited; the eviction policy is set in the console',
};

/** The verdict on an engine and its version (pure). */
export function judgeEngine(e: Engine): Verdict {
  const label = engineLabel(e);
  const note = NOTES[e.provider];
  const observed = note ? `${label} — ${note}` : label;
  const expected = 'Redis ≥ 6.2 or Valkey';
  switch (e.name) {
    case 'valkey':
      return pass(observed, expected);
    case 'dragonfly':
      return pass(`${observed} — scripts must declare their keys, which coordis' scripts do`, expected);
    case 'keydb':
      return verdict(
        'warn',
        `${observed} — a multi-threaded fork frozen near Redis 6.2; coordis is tested on Redis and Valkey`,
        expected,
        'prefer Redis ≥ 6.2 or Valkey',
      );
    case 'upstash':
      return verdict(
        'warn',
        `${observed} — per-request limits and pricing; no Sentinel, no CONFIG`,
        expected,
        "check your plan's request size and rate limits against the service's peak",
      );
    default:
      break;
  }
  if (!atLeast(e.version, 6, 0)) {
    return verdict(
      'fail',
      `${observed}: no ACLs, no RESP3; BullMQ refuses < 5, Sidekiq needs 6.2`,
      expected,
      'upgrade to Redis ≥ 6.2 (or Valkey)',
    );
  }
  if (!atLeast(e.version, 6, 2))
    return verdict('warn', `${observed}: lacks 6.2's commands (GETDEL, SET GET, …)`, expected, 'upgrade to Redis ≥ 6.2 (or Valkey)');
  return pass(observed, expected);
}

/** `server.engine`: engine, version and provider, with their known limits. */
export const engineVersion: NodeCheck = {
  kind: 'node',
  id: 'server.engine',
  title: 'Engine and version',
  doc: {
    checks:
      'INFO `redis_version`, `valkey_version`, `dragonfly_version`, KeyDB `mvcc_depth`, `upstash_version`, `os` (ElastiCache, MemoryDB), host name (Azure, Redis Cloud, Upstash)',
    verdicts: 'pass Redis ≥ 6.2, Valkey, Dragonfly (coordis declares every key); warn Redis 6.0–6.1, KeyDB, Upstash; fail Redis < 6',
    fix: 'upgrade to Redis ≥ 6.2 or Valkey',
    answers: 'BullMQ and Sidekiq version floors; EmailEngine engine detection',
  },
  judge(node, ctx) {
    if (!node.info.redis_version && !node.info.dragonfly_version && !node.info.valkey_version) return undefined;
    return judgeEngine(nodeEngine(node, ctx));
  },
};
