/** Every default of the testkit, each with the reason it has that value. */
export const DEFAULTS = {
  /** Tests listen on loopback only, never on another address. */
  host: '127.0.0.1',
  /** The master name sentinels monitor. */
  masterName: 'coordis',
  /** Two replicas: a failover still leaves a replica behind the new primary. */
  replicas: 2,
  /** Three sentinels: the smallest odd set that survives losing one. */
  sentinels: 3,
  /** 1 s: failovers start quickly, but not so quickly that a GC pause triggers one. */
  downAfterMs: 1000,
  /** 5 s: long enough that a slow failover on two busy cores is not aborted and retried. */
  failoverTimeoutMs: 5000,
  /** Cluster node timeout: like `downAfterMs`, the time before a silent master is failed over. */
  clusterNodeTimeoutMs: 1000,
  /** Time for one process to start listening. */
  startTimeoutMs: 15_000,
  /** Time for a whole topology to become healthy (replicas in sync, quorum, slots). */
  readyTimeoutMs: 30_000,
  /** Time for a fault to take effect (a failover, a promotion). */
  faultTimeoutMs: 30_000,
  /** Poll interval while waiting for a state: short, because waiting is what tests spend. */
  pollIntervalMs: 10,
  /**
   * Servers run as processes unless asked otherwise (`driver`, COORDIS_TESTKIT_DRIVER): a
   * local redis-server starts in milliseconds and needs no engine.
   */
  driver: 'process',
  /** The container driver's image: an official Redis 7, so its redis-server matches the process driver's. */
  image: 'redis:7.2',
  /**
   * The container driver's networking: host networking where the engine shares this machine's
   * network (Docker on Linux), mapped ports where it does not (Docker Desktop without host
   * networking, rootless engines), found out once per process by a probe container.
   */
  network: 'auto',
  /**
   * How long the host-network probe keeps dialling its server on 127.0.0.1 once the server says
   * it is ready: on a shared network the first dial answers; anything else is refused at once.
   */
  hostNetworkProbeMs: 1000,
  /** Time for the engine to answer a ping or an API call before it counts as not running. */
  engineTimeoutMs: 3000,
  /** Admin commands give up after this, so a paused server cannot hang a test. */
  commandTimeoutMs: 2000,
  /**
   * Ports are drawn from here: below Linux's ephemeral range (32768–60999) so outgoing
   * connections never hold them, and away from 6379 and 26379 where real servers run.
   */
  portRange: { min: 20_000, max: 32_000 },
} as const;
