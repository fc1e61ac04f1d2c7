import type { RedisKey } from 'ioredis';
import { type CheckEntry, keyText } from './check-entry.js';
import { checkGroup } from './check-group.js';
import { RateLimitArgumentError, RateLimitUnavailableError } from './errors.js';
import { windowOf } from './fixed-window.js';
import type { LimitResult } from './limit-result.js';
import type { LimiterContext } from './limiter-context.js';
import type { Algorithm, ResolvedRate } from './rate.js';
import type { UnavailablePolicy } from './unavailable.js';

/** Options of one check or peek. */
export interface CheckOptions {
  /** Units the request takes: a whole number from 0 (look only) to the limiter's capacity. @default 1 */
  readonly cost?: number;
}

/** How a limiter turns the caller's key into Redis keys. */
export interface KeyShape<K> {
  /** The Redis key for `input`; `window` is the fixed window's number, ignored by the other algorithms. */
  key(input: K, window: number): RedisKey;
  /** Text naming the identity (window-free, unique across limiters), for the caches. */
  identity(input: K): string;
}

/** Everything a limiter is, resolved once: the parts `check`, `peek` and multi-limiter checks use. */
export interface LimiterCore<K> {
  readonly name: string;
  readonly rate: ResolvedRate;
  readonly policy: UnavailablePolicy;
  readonly deadlineMs: number;
  readonly cacheBlocks: boolean;
  readonly shape: KeyShape<K>;
  readonly ctx: LimiterContext;
}

/**
 * One limiter's part of a multi-limiter check, made by `limiter.request(key, { cost })` and
 * passed to `RateLimits.checkAll` or `peekAll`.
 */
export class LimitRequest {
  /** The limiter's name. */
  readonly limiter: string;
  /** Units the request takes. */
  readonly cost: number;
  /** Text naming the identity, for the caches. */
  readonly identity: string;
  readonly #core: LimiterCore<unknown>;
  readonly #input: unknown;

  /** Made by {@link Limiter.request}. */
  constructor(core: LimiterCore<unknown>, input: unknown, cost: number) {
    this.#core = core;
    this.#input = input;
    this.cost = cost;
    this.limiter = core.name;
    this.identity = core.shape.identity(input);
  }

  /** The limiter behind the request. */
  get core(): LimiterCore<unknown> {
    return this.#core;
  }

  /** The entry for the server time `serverNowMs` (it picks the fixed window's key). */
  entry(serverNowMs: number): CheckEntry {
    const rate = this.#core.rate;
    const window = rate.algorithm === 'fixed-window' ? windowOf(serverNowMs, rate.periodMs) : 0;
    const key = this.#core.shape.key(this.#input, window);
    return { limiter: this.limiter, key, keyId: keyText(key), rate, cost: this.cost, window };
  }
}

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
