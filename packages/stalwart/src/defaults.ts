/** Every default of @coordis/stalwart, each with the reason it has that value. */
export const DEFAULTS = {
  /** Stalwart's cluster channel: BROADCAST_TOPIC in crates/services/src/broadcast/mod.rs. */
  channel: 'stwt.agora',
  /** Stalwart's MAX_BATCH_SIZE: a publisher never sends more events in one message. */
  maxBatchEvents: 100,
  /** Stalwart's task locks last an hour (DEFAULT_LOCK_EXPIRY, crates/services/src/task_manager/mod.rs). */
  taskLockTtlS: 3600,
  /** Stalwart's queued-message locks last ten minutes (LOCK_EXPIRY, crates/smtp/src/queue/spool.rs). */
  queueLockTtlS: 600,
  /** How long `acquire()` waits for a Stalwart-format lock before giving up. */
  lockWaitMs: 10_000,
  /**
   * How often a waiter looks again: Stalwart releases with a plain DEL and announces nothing,
   * so a waiter polls (and also wakes when the holder's TTL runs out).
   */
  lockPollMs: 250,
  /** Bytes of a bad broadcast message quoted (as hex) in an `invalid` report: enough to recognise it. */
  invalidSampleBytes: 64,
} as const;
