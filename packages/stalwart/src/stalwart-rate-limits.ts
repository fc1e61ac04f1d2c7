import type { StalwartRateLimitName } from '@coordis/ratelimit';
import { StalwartArgumentError, StalwartValueError } from './errors.js';
import type { StalwartRate } from './hashed-keys.js';
import { blobQuotaWindow, rateWindow } from './rate-window.js';
import { type RateLimitSubject, stalwartKeys } from './stalwart-keys.js';
import { clientFor, type StalwartStore } from './stalwart-shards.js';

/** A rate-limit decision as Stalwart makes it (crates/store/src/dispatch/lookup.rs, `is_rate_allowed`). */
export interface StalwartLimitResult {
  /** `hit`: the count after this one is within the limit. `peek`: one more would be (Stalwart's soft check). */
  readonly allowed: boolean;
  /** The window's count: after this hit, or as it stands (peek). */
  readonly count: number;
  /** The rate's count: the most a window admits. */
  readonly limit: number;
  /** What the window still admits: `max(0, limit - count)`. */
  readonly remaining: number;
  /** Seconds until the window ends — the EXPIRE Stalwart sets on the counter and the reset it reports. */
  readonly resetS: number;
  /** `resetS` when not allowed (what Stalwart returns as the wait), else 0. */
  readonly retryAfterS: number;
  /** The window number in the key. */
  readonly window: bigint;
  /** The counter's key. */
  readonly key: Buffer;
}

/** An account's temporary-upload quota counter (KV_QUOTA_BLOB). */
export interface BlobQuotaUsage {
  /** Uploads counted in the window (`value >> 44`). */
  readonly uploads: number;
  /** Bytes counted in the window (`value & (2^44 - 1)`). */
  readonly bytes: number;
  /** Seconds until the window ends. */
  readonly resetS: number;
  readonly key: Buffer;
}

/** Options of {@link StalwartRateLimits}. */
export interface StalwartRateLimitsOptions {
  /**
   * The clock windows are computed on, ms since the epoch. Stalwart uses each node's own clock:
   * keep this host NTP-synced with the Stalwart nodes, or counts split across two windows at
   * the edges.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** Per call: compute the window at this moment instead of now. */
export interface AtOptions {
  readonly nowMs?: number;
}

const COUNT_SHIFT = 44n;
const SIZE_MASK = (1n << COUNT_SHIFT) - 1n;

function rateOf(rate: StalwartRate): StalwartRate {
  if (!Number.isSafeInteger(rate.count) || rate.count < 0) {
    throw new StalwartArgumentError('rate.count', 'must be a whole, non-negative number', 'pass the count of the Stalwart rate');
  }
  return rate;
}

function counterValue(stored: string | null): number {
  if (stored === null) return 0;
  if (!/^-?\d+$/.test(stored)) throw new StalwartValueError('the rate-limit counter', 'a counter holds an integer INCRBY can add to');
  return Number(stored);
}

/**
 * Stalwart's rate-limit counters, read and counted exactly as Stalwart does, so a Node front end
 * and the Stalwart nodes share one limit: a window's counter is `INCRBY key 1` and `EXPIRE key
 * <seconds to the window's end>` in one MULTI, every attempt counted (also those over the
 * limit); a soft check is `GET`. Made by {@link stalwartRateLimits}.
 */
export class StalwartRateLimits {
  readonly store: StalwartStore;
  readonly #now: () => number;

  /** @internal Use {@link stalwartRateLimits}. */
  constructor(store: StalwartStore, options: StalwartRateLimitsOptions = {}) {
    this.store = store;
    this.#now = options.now ?? Date.now;
  }

  #result(
    key: Buffer,
    count: number,
    limit: number,
    allowed: boolean,
    window: { window: bigint; expiresInS: number },
  ): StalwartLimitResult {
    return {
      allowed,
      count,
      limit,
      remaining: Math.max(0, limit - count),
      resetS: window.expiresInS,
      retryAfterS: allowed ? 0 : window.expiresInS,
      window: window.window,
      key,
    };
  }

  /** The counter key of the window `options.nowMs` (or now) falls in, the limit, and the window. */
  #windowOf<N extends StalwartRateLimitName>(name: N, subject: RateLimitSubject<N>, rate: StalwartRate, options: AtOptions) {
    const { count: limit, periodS } = rateOf(rate);
    const nowMs = options.nowMs ?? this.#now();
    return { key: stalwartKeys.rateLimit(name, subject, { periodS, nowMs }), limit, window: rateWindow(periodS, nowMs) };
  }

  /**
   * Stalwart's soft check: the window's count as it stands, and whether one more would be
   * admitted (`count + 1 <= limit`). Counts nothing.
   */
  async peek<N extends StalwartRateLimitName>(
    name: N,
    subject: RateLimitSubject<N>,
    rate: StalwartRate,
    options: AtOptions = {},
  ): Promise<StalwartLimitResult> {
    const { key, limit, window } = this.#windowOf(name, subject, rate, options);
    const count = counterValue(await clientFor(this.store, key).get(key));
    return this.#result(key, count, limit, count + 1 <= limit, window);
  }

  /**
   * Counts one attempt as a Stalwart node does — `MULTI; INCRBY key 1; EXPIRE key <seconds to
   * the window's end>; EXEC` — and answers Stalwart's verdict: allowed while the count is
   * within the limit. Attempts over the limit are counted too, as in Stalwart.
   */
  async hit<N extends StalwartRateLimitName>(
    name: N,
    subject: RateLimitSubject<N>,
    rate: StalwartRate,
    options: AtOptions = {},
  ): Promise<StalwartLimitResult> {
    const { key, limit, window } = this.#windowOf(name, subject, rate, options);
    const replies = await clientFor(this.store, key).multi().incrby(key, 1).expire(key, window.expiresInS).exec();
    const [incr] = replies ?? [];
    if (!incr) throw new StalwartValueError('the MULTI reply', 'the transaction was discarded; retry');
    if (incr[0]) throw incr[0];
    return this.#result(key, Number(incr[1]), limit, Number(incr[1]) <= limit, window);
  }

  /** An account's temporary-upload usage in the current window (Stalwart's `upload_tmp_ttl`, whole seconds). */
  async blobQuota(accountId: number, ttlS: number, options: AtOptions = {}): Promise<BlobQuotaUsage> {
    const nowMs = options.nowMs ?? this.#now();
    const key = stalwartKeys.blobQuota({ accountId }, { ttlS, nowMs });
    const stored = await clientFor(this.store, key).get(key);
    // Stalwart packs `count << 44 | bytes` into one i64 counter: past 2^53, so read as text.
    if (stored !== null && !/^\d+$/.test(stored)) throw new StalwartValueError('the blob quota counter', 'it packs uploads << 44 | bytes');
    const value = BigInt(stored ?? '0');
    return {
      uploads: Number(value >> COUNT_SHIFT),
      bytes: Number(value & SIZE_MASK),
      resetS: blobQuotaWindow(ttlS, nowMs).expiresInS,
      key,
    };
  }
}

/** Reads and counts Stalwart's rate-limit counters in `store` (one Redis, a Cluster, or Stalwart's shards). */
export function stalwartRateLimits(store: StalwartStore, options?: StalwartRateLimitsOptions): StalwartRateLimits {
  return new StalwartRateLimits(store, options);
}
