/**
 * How long a waiter sleeps before its next attempt if it hears no release (ms). Releases wake
 * waiters at once; this bounds the wait when a notification is lost and catches leases that
 * run out without a release (a crashed holder): the waiter wakes just past the first expiry
 * the server reported, or after a jittered poll, whichever is sooner. Jitter keeps the waiters
 * of a lock from retrying in lockstep.
 *
 * @param untilExpiryMs what acquire.lua reported: ms until the first live lease runs out
 * @param fallbackPollMs the longest sleep; the jittered poll lies between half of it and all of it
 * @param expiryJitterMs how far past the expiry a waiter may wake
 * @param random a source of [0, 1), for tests
 */
export function retryDelayMs(
  untilExpiryMs: number,
  fallbackPollMs: number,
  expiryJitterMs: number,
  random: () => number = Math.random,
): number {
  const poll = fallbackPollMs * (0.5 + random() / 2);
  // +1: leases end by whole server milliseconds (deadline <= now), so wake one past it.
  const expiry = Math.max(0, untilExpiryMs) + 1 + random() * expiryJitterMs;
  return Math.max(1, Math.ceil(Math.min(poll, expiry)));
}
