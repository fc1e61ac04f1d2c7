/** Every default of @coordis/client, each with the reason it has that value. */
export const DEFAULTS = {
  /** Redis' own port. */
  port: 6379,
  /** Sentinel's own port. */
  sentinelPort: 26379,
  /**
   * TCP keepalive after 15 s idle: well under the idle timeouts that silently drop
   * connections (AWS NAT gateway 350 s, Azure load balancer 240 s, many firewalls 60–300 s),
   * so idle links stay open and dead peers are found.
   */
  keepAliveMs: 15_000,
  /** Nagle off: small commands go out at once; coordination traffic is latency-bound. */
  noDelay: true,
  /** A connect that has not finished in 5 s will not finish; try the next address. */
  connectTimeoutMs: 5_000,
  /**
   * How long a command may wait for a usable connection (offline queue) before it is
   * rejected unsent with ConnectionUnavailableError. Longer than a Sentinel failover
   * (down-after + election + promotion, typically 2–10 s), so failovers are ridden out.
   */
  offlineQueueTimeoutMs: 15_000,
  /**
   * How long a command may be refused with "not now" replies (READONLY, LOADING, BUSY,
   * MASTERDOWN, NOREPLICAS, TRYAGAIN) and retried before RetriesExhaustedError. A LOADING
   * restart of a large dataset takes this long; a failover much less.
   */
  retryDeadlineMs: 60_000,
  /** Reconnect backoff: 50 ms doubling to at most 2 s, plus full jitter against thundering herds. */
  reconnectBaseMs: 50,
  reconnectMaxMs: 2_000,
  /** Sentinel commands answer in microseconds; 1 s means the sentinel is down or hung. */
  sentinelCommandTimeoutMs: 1_000,
  /** Subscribe to +switch-master on up to 3 sentinels: one may die with the primary. */
  sentinelSubscriptions: 3,
  /** A sentinel learnt from SENTINEL SENTINELS that fails this many queries in a row is forgotten (seeds never are). */
  sentinelPruneAfterFailures: 5,
  /** Backstop poll of the sentinels, for when every event was missed. 0 turns it off. */
  sentinelPollMs: 10_000,
  /**
   * How long `connect()` waits for the first verified connection before it rejects with the
   * last typed error. Wrong names, passwords and certificates reject at once.
   */
  initialConnectTimeoutMs: 10_000,
  /**
   * Commands per socket write when coalesceWrites() batches what one tick sends: fewer system
   * calls than one write per command, while Redis already works on a chunk as the next is
   * prepared (measured best between 4 and 32 with 64 in flight on a 2-core host).
   */
  writeChunk: 16,
  /**
   * Application heartbeat: a link that has been silent this long gets a PING. TCP keepalive
   * cannot find a hung primary (its kernel still answers), Sentinel takes down-after-ms plus an
   * election; a PING with a deadline notices in seconds. 0 turns it off.
   */
  heartbeatMs: 1_000,
  /** A PING unanswered this long makes the link `suspect`: new commands are held back. */
  heartbeatTimeoutMs: 2_000,
  /** While suspect, the sentinels are asked this often, so a switch is seen at once. */
  suspectPollMs: 250,
  /**
   * Cluster: a command whose node went away, or that met CLUSTERDOWN or TRYAGAIN, is retried
   * after this long, at most clusterMaxRedirections times: 64 × 300 ms ≈ 19 s rides out a
   * master's failover (cluster-node-timeout, 15 s by default, plus the replica's election).
   */
  clusterRetryDelayMs: 300,
  clusterMaxRedirections: 64,
  /**
   * A MOVED right after a failover may point at a node that is still catching up; a short pause
   * stops the ping-pong between two nodes from spending every redirection at once.
   */
  clusterRetryDelayOnMovedMs: 20,
  /** Slots are re-read this often even without a MOVED, so a promoted replica is found. */
  clusterSlotsRefreshMs: 5_000,
  /** CLUSTER SLOTS answers in microseconds; 1 s means that node is down or hung. */
  clusterSlotsRefreshTimeoutMs: 1_000,
  /** Delivery of commands in flight when a connection dies: see DeliveryPolicy. */
  delivery: 'safe',
} as const;
