/** Every default of @coordis/lock, each with the reason it has that value. */
export const DEFAULTS = {
  /**
   * Lease length: long enough that a stalled event loop or a slow GC does not lose a lock that
   * is being renewed, short enough that a crashed holder's work resumes within half a minute.
   */
  ttlMs: 30_000,
  /** How long `acquire()` waits: a caller that waits longer usually wants a queue, not a lock. */
  waitMs: 10_000,
  /** `using()` renews at a third of the TTL, so two renewals can fail before the lease runs out. */
  renewFraction: 1 / 3,
  /**
   * A waiter that hears no release retries at most this often (jittered down to half). Releases
   * are announced, so this only matters when a notification is lost (a subscriber reconnecting).
   */
  fallbackPollMs: 500,
  /**
   * How long a lock's key (and so its fence counter) outlives its last lease. Past it the token
   * comes from the server clock alone, which still grows unless the clock steps back further.
   * One key of ~100 bytes per lock used in this window.
   */
  fenceRetentionMs: 600_000,
  /** Past a lease's expiry a waiter wakes within this much more, so waiters do not all retry at once. */
  expiryJitterMs: 5,
  /** A subscriber with no waiter for this long disconnects; the next waiter reconnects it in one round trip. */
  subscriberIdleMs: 10_000,
  /** Prefix of coordis' named locks (`locks.lock('name')`): outside Stalwart's table and retired prefixes. */
  lockPrefix: 144,
  /** Prefix of coordis' named semaphores (`locks.semaphore('name', n)`). */
  semaphorePrefix: 145,
} as const;
