/** Every default of @coordis/events, each with the reason it has that value. */
export const DEFAULTS = {
  /** Transient (pub/sub, at most once, like Stalwart's broadcast) unless asked otherwise. */
  mode: 'transient',
  /**
   * Handlers run one at a time per node: events arrive and are handled in publish order.
   * Raise it only for handlers that need no order.
   */
  concurrency: 1,
  /** Transient events waiting for a busy handler; past it the overflow policy drops some. */
  maxQueue: 10_000,
  /** Under overflow keep the newest events: a late "mailbox changed" supersedes older ones. */
  overflow: 'drop-oldest',
  /** Durable retention by length: enough for a node to be away for minutes at high rates. */
  maxLen: 100_000,
  /** Durable retention by age: a node away longer than this resynchronises from scratch. */
  maxAgeMs: 24 * 60 * 60 * 1000,
  /** Entries per XREAD: large enough for throughput, small enough to keep handlers fed in order. */
  readCount: 500,
  /** XREAD BLOCK: short, so close() and reconnects never wait long on a blocked read. */
  blockMs: 1_000,
  /** Event ids remembered per node to drop a re-delivered event (publisher retry, replay). */
  dedupeWindow: 10_000,
  /** A new node reads only what is published from now on. */
  startFrom: 'latest',
  /** How long a durable publish retries a write whose outcome is unknown (the id dedupes it). */
  publishDeadlineMs: 15_000,
  /**
   * Transient publishes made in one tick travel as one message (a frame): one command, one
   * reply and one fan-out for many events. Off, every event is a PUBLISH of its own.
   */
  batchPublishes: true,
  /** Events per frame: past it the frame is sent at once and the next one starts. */
  frameMaxEvents: 256,
  /** Bytes per frame (never more than maxEventBytes): big frames delay the first event in them. */
  frameMaxBytes: 256 * 1024,
  /** The largest encoded event accepted, so one bad publisher cannot stall every node. */
  maxEventBytes: 1024 * 1024,
  /**
   * How long past its BLOCK a read may go unanswered before the watchdog drops the connection
   * and reads again: one second, as BullMQ's watchdog for a hung XREAD (#4479) does.
   */
  readTimeoutMs: 1_000,
  /**
   * A checkpoint without ctx.tx writes is saved at least this often: one save per round trip
   * would double a node's cost at a few events per round, and a crash then re-delivers at
   * most this long's worth (or 2 × readCount events), flagged.
   */
  commitIntervalMs: 100,
  /** Presence renewal: a second node with the same id is seen within about two beats. */
  heartbeatMs: 1_000,
  /** A presence not renewed for this many beats belongs to a process that is gone. */
  presenceBeats: 3,
  /** The periodic `stats` event: often enough for a dashboard, rare enough to cost nothing. */
  statsIntervalMs: 10_000,
  /**
   * An event-loop stall this long, shortly before the server closed the subscription, is taken
   * as the reason Redis closed it: the subscriber stopped reading and hit its output-buffer limit.
   */
  stallThresholdMs: 250,
  /** How recent that stall must be. */
  stallWindowMs: 5_000,
  /** Age-based retention (XTRIM MINID, server clock) runs at most this often per publisher. */
  ageTrimIntervalMs: 1_000,
  /** Entries read per call when a node rebuilds its dedupe window or looks for where a rollback left it. */
  scanPage: 1_000,
  /**
   * On Redis Cluster, the subscriber's and the reader's connection to the master of the bus's
   * slot reconnects after base × attempt ms, at most max: a master's failover takes about
   * cluster-node-timeout plus an election, and each retry reads the slot map afresh.
   */
  slotRetryBaseMs: 50,
  slotRetryMaxMs: 1_000,
} as const;

/** Keyspace prefixes of the event bus's own namespaces (coordis keeps 220–229 for events). */
export const PREFIXES = { stream: 220, checkpoint: 221, channel: 222, node: 223, presence: 224 } as const;
