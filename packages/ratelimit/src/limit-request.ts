import type { RedisKey } from 'ioredis';
import { type CheckEntry, keyText } from './check-entry.js';
import { windowOf } from './fixed-window.js';
import type { LimiterContext } from './limiter-context.js';
import type { ResolvedRate } from './rate.js';
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
