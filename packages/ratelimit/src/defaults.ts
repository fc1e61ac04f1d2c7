/** Every default of @coordis/ratelimit, each with the reason it has that value. */
export const DEFAULTS = {
  /**
   * What a check answers when Redis cannot: a limiter in this process keeps limiting (each
   * process admits up to the limit on its own) rather than letting everything through or
   * refusing everyone while the coordination layer is away.
   */
  onUnavailable: 'local',
  /**
   * How long a check waits for Redis before the unavailable policy answers. A check normally
   * takes well under a millisecond; half a second rides out a reconnect blip without holding a
   * request noticeably, and is far shorter than any window worth limiting.
   */
  deadlineMs: 500,
  /** `retryAfterMs` of a fail-closed answer: no server said when, so ask callers to come back in a second. */
  unavailableRetryAfterMs: 1000,
  /** Remember known blocks in this process: a blocked client hammering costs no Redis calls. */
  blockCache: true,
  /** Blocks remembered per process at most; the oldest is forgotten first, so memory stays bounded. */
  blockCacheSize: 10_000,
  /** Keys the local (fallback) limiter tracks at most while Redis is down; the oldest is forgotten first. */
  localLimiterSize: 10_000,
  /** Keys of string inputs remembered per limiter: hot keys skip re-encoding (a few MB at most). */
  keyMemoSize: 10_000,
  /** Checks coalesced into one script call at most: 64 keys keep one script run short (tens of µs). */
  maxBatchKeys: 64,
  /**
   * The checks outstanding are spread over about this many script runs. One run carrying all of
   * them makes this process and Redis take turns, each idle while the other works; several let
   * Redis run one while this process answers the one before (64 checks in flight on 2 cores:
   * 1.4× rate-limiter-flexible's throughput in one run, 2.1× in four).
   */
  runsInFlight: 4,
  /**
   * Times a fixed-window check is sent again when this process guessed the server's window
   * wrong (its clock estimate was off at a window boundary). One retry suffices once the
   * estimate is learnt from the first reply; three leave room for a clock step.
   */
  windowRetries: 3,
  /** Fail2ban: shards of the blocked-identities index, so a Cluster spreads fail2ban keys over 16 slots. */
  fail2banShards: 16,
  /** Fail2ban: `blocked()` returns at most this many entries per shard unless told otherwise. */
  blockedListLimit: 1000,
} as const;
