/** Every default of @coordis/cli, each with the reason it has that value. */
export const DEFAULTS = {
  /** The budget: a start-up gate or a CI step must not hang on a sick deployment. */
  timeoutMs: 10_000,
  /** One check may take this long (the latency sample needs ~1.1 s); a hung node costs no more. */
  checkTimeoutMs: 3_000,
  /** A node that has not accepted a TCP (and TLS) connection in 2 s is reported unreachable. */
  connectTimeoutMs: 2_000,
  /** INFO, CONFIG GET and SENTINEL replies come in microseconds; 2 s means the node is hung. */
  commandTimeoutMs: 2_000,
  /** `coordination`: noeviction and persistence required, the strictest and the reason coordis exists. */
  profile: 'coordination',
  /** redis-cli --latency samples every 10 ms; 100 samples ≈ 1 s, enough for a p99. */
  latencySamples: 100,
  latencyIntervalMs: 10,
  /** `--fail-on`: any warning already makes the exit code non-zero (1), as the table says. */
  failOn: 'warn',
  /** `assertDeployment`: a service refuses to start on a fail, not on a warning. */
  assertFailOn: 'fail',
  /** Sentinels are queried up to this many hops from the URL's list (SENTINEL SENTINELS). */
  maxSentinels: 16,
  /** The monitor refreshes every second, like `redis-cli --stat`. */
  monitorIntervalMs: 1_000,
  /** The monitor PINGs the primary this often between refreshes, for the rolling p50/p99. */
  monitorPingMs: 100,
  /** How many refreshes the latency sparkline shows. */
  monitorSparkWidth: 30,
  /** Sentinel events kept in the monitor's pane. */
  monitorEvents: 8,
} as const;

/**
 * Thresholds of the checks that have figures to compare, each overridable per check through
 * `runDoctor({ thresholds })` or `--threshold id.key=value`.
 */
export const DEFAULT_THRESHOLDS = {
  /** used_memory / maxmemory: EmailEngine keeps below 80 %; redis-doctor and alert sets warn at 80, page at 90. */
  'memory.usage': { warnPct: 80, failPct: 90 },
  /** connected_clients / maxclients: warn at 80 % (the issue), fail at 95 % (redis-doctor), before new connections are refused. */
  'connections.maxclients': { warnPct: 80, failPct: 95 },
  /** Keepalive above 300 s outlives the idle timeouts of NAT gateways and load balancers (AWS NAT 350 s, Azure LB 240 s). */
  'connections.tcp-keepalive': { maxS: 300 },
  /** A server `timeout` shorter than this closes the idle pooled connections of a quiet service over and over. */
  'connections.timeout': { minS: 30 },
  /** Round trip from here: EmailEngine wants < 5 ms and prefers < 1 ms; p99 above 10 ms means stalls. */
  'latency.ping': { passP50Ms: 1, warnP50Ms: 5, warnP99Ms: 10 },
  /** TCP + TLS + AUTH from here: every reconnect after a failover pays it once per connection. */
  'latency.connect': { warnMs: 100 },
  /** Replica lag: 10 s is Redis' default `min-replicas-max-lag`; a minute behind loses a minute on failover. */
  'replication.lag': { warnS: 10, failS: 60 },
  /** Full resyncs beyond this many per replica since start mean a resync loop (redis/redis#4697). */
  'replication.full-resyncs': { perReplica: 3 },
  /**
   * A failover must finish while a lock's lease still runs, or every holder loses its lock:
   * 30 s is @coordis/lock's default lease; Sentinel needs about 2 s after `down-after-milliseconds`
   * to elect a leader and promote a replica.
   */
  'sentinel.failover-budget': { lockTtlMs: 30_000, electionMs: 2_000 },
  /** tcp_retries2 above 5 lets a dead peer stall a connection for minutes (15 ≈ 15 min; Azure's guide says 5). */
  'client-host.tcp-retries2': { max: 5 },
} as const;
