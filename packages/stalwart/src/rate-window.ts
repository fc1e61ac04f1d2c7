import { windowOf } from '@coordis/ratelimit';
import { StalwartArgumentError } from './errors.js';

/**
 * A fixed window as Stalwart computes it (crates/store/src/dispatch/lookup.rs, is_rate_allowed):
 * on the node's clock in whole seconds, `window = floor(now / period)` with the period at least
 * one second, and the counter expiring when the window ends.
 */
export interface StalwartWindow {
  /** The window number, the last 8 bytes of the key (big-endian u64). */
  readonly window: bigint;
  /** The period Stalwart divides by: `max(1, periodS)`. */
  readonly periodS: number;
  /** When the window ends, Unix seconds. */
  readonly endS: number;
  /** Seconds from now until the window ends: the EXPIRE Stalwart sets and the reset it reports (≥ 1). */
  readonly expiresInS: number;
}

function wholeSeconds(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new StalwartArgumentError(name, `must be a whole number of seconds, at least ${min}`, 'Stalwart keeps periods in whole seconds');
  }
  return value;
}

function nowOf(nowMs: unknown): number {
  if (typeof nowMs !== 'number' || !Number.isSafeInteger(nowMs) || nowMs < 0) {
    throw new StalwartArgumentError('nowMs', 'must be a whole number of milliseconds since the epoch', 'pass Date.now()');
  }
  return nowMs;
}

function windowAt(periodS: number, nowMs: number): StalwartWindow {
  // floor(floor(ms / 1000) / p) equals floor(ms / (1000 p)): the ratelimit package's window
  // arithmetic on a period of whole seconds is Stalwart's.
  const n = windowOf(nowMs, periodS * 1000);
  const endS = (n + 1) * periodS;
  return { window: BigInt(n), periodS, endS, expiresInS: endS - Math.floor(nowMs / 1000) };
}

/** The rate-limit window of a period (`rate.period.as_secs()`, 0 counts as 1) at `nowMs`. */
export function rateWindow(periodS: number, nowMs: number): StalwartWindow {
  return windowAt(Math.max(1, wholeSeconds(periodS, 'periodS', 0)), nowOf(nowMs));
}

/**
 * The blob-quota window (crates/common/src/storage/blob.rs): `now / upload TTL`, without the
 * one-second floor (Stalwart only counts when the TTL is set).
 */
export function blobQuotaWindow(ttlS: number, nowMs: number): StalwartWindow {
  return windowAt(wholeSeconds(ttlS, 'ttlS', 1), nowOf(nowMs));
}
