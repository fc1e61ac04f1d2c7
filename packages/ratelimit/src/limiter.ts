import { keyText } from './check-entry.js';
import { checkGroup } from './check-group.js';
import { RateLimitArgumentError, RateLimitUnavailableError } from './errors.js';
import { windowOf } from './fixed-window.js';
import { type CheckOptions, type LimiterCore, LimitRequest } from './limit-request.js';
import type { LimitResult } from './limit-result.js';
import type { Algorithm } from './rate.js';

/**
 * A rate limiter on Redis: every decision is one atomic script on the server's clock, and a
 * request that does not fit takes nothing. Made by `RateLimits` (`gcra`, `fixedWindow`,
 * `slidingWindow`, the Stalwart presets). `K` is the key it takes.
 */
export class Limiter<K> {
  /** Unique per algorithm in its keyspace; part of every key. */
  readonly name: string;
  readonly algorithm: Algorithm;
  /** Units per period. */
  readonly limit: number;
  readonly periodMs: number;
  /** The most one request may take and the most admitted at once: GCRA's burst, the windows' limit. */
  readonly capacity: number;
  readonly #core: LimiterCore<K>;

  /** Made by `RateLimits`. */
  constructor(core: LimiterCore<K>) {
    this.#core = core;
    this.name = core.name;
    this.algorithm = core.rate.algorithm;
    this.limit = core.rate.limit;
    this.periodMs = core.rate.periodMs;
    this.capacity = core.rate.capacity;
  }

  /** Takes `cost` units (default 1) for `key` if they fit; if they do not, takes nothing. */
  async check(key: K, options?: CheckOptions): Promise<LimitResult> {
    const r = await checkGroup([this.request(key, options)], 'check');
    return r.results[0] as LimitResult;
  }

  /** Answers what `check` would, and takes nothing (Stalwart's soft check). */
  async peek(key: K, options?: CheckOptions): Promise<LimitResult> {
    const r = await checkGroup([this.request(key, options)], 'peek');
    return r.results[0] as LimitResult;
  }

  /** This limiter's part of a multi-limiter check (`RateLimits.checkAll`). */
  request(key: K, options?: CheckOptions): LimitRequest {
    const cost = options?.cost ?? 1;
    if (!Number.isSafeInteger(cost) || cost < 0 || cost > this.capacity) {
      throw new RateLimitArgumentError(
        this.name,
        `cost must be a whole number from 0 to ${this.capacity} (the most this limiter ever admits at once)`,
        'split the request, or raise the limit or burst',
      );
    }
    return new LimitRequest(this.#core as LimiterCore<unknown>, key, cost);
  }

  /**
   * Forgets everything counted for `key`, here and in Redis (for a fixed window: the
   * previous, current and next window, so a boundary during the call changes nothing).
   */
  async reset(key: K): Promise<void> {
    const core = this.#core;
    const ctx = core.ctx;
    const rate = core.rate;
    const w = windowOf(ctx.clock.nowMs(), rate.periodMs);
    const keys = rate.algorithm === 'fixed-window' ? [w - 1, w, w + 1].map((n) => core.shape.key(key, n)) : [core.shape.key(key, 0)];
    if (!ctx.managesOffline && ctx.raw.status !== 'ready') {
      // A queued UNLINK sent after a reconnect would erase counts made in the meantime.
      throw new RateLimitUnavailableError(this.name, 0, { cause: new Error(`the Redis connection is ${ctx.raw.status}`) });
    }
    const view = ctx.view(core.deadlineMs);
    // One UNLINK per key: the Stalwart presets' keys are not hash-tagged, so may sit in several slots.
    await Promise.all(keys.map((k) => view.unlink(k)));
    ctx.blocks.delete(core.shape.identity(key));
    for (const k of keys) ctx.local.delete(keyText(k));
  }
}
